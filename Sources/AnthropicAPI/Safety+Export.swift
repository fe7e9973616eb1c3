// Every module that speaks to the API also masks and sanitises: the shared leaf comes with it.
@_exported import Safety
