// Every module that speaks to the API also masks and sanitises, and reads JSON values: the
// shared leaves come with it.
@_exported import PlainJSON
@_exported import Safety
