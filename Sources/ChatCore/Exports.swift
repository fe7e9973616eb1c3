// The plain values the chat screen shows, re-exported so that ChatUI reaches them through
// ChatCore alone: it imports neither the store, nor the API client, nor the credentials module.
// Only value types are here (identifiers, a conversation's row, a search hit, token counts, where
// the key came from); everything that does I/O stays behind ChatCore's actions and effects.

@_exported import struct AnthropicAPI.RateLimits
@_exported import struct AnthropicAPI.Usage
@_exported import enum Credentials.KeyHealth
@_exported import enum Credentials.KeySource
@_exported import struct SessionStore.Conversation
@_exported import typealias SessionStore.ConversationID
@_exported import enum SessionStore.ConversationRow
@_exported import enum SessionStore.ExportFormat
@_exported import typealias SessionStore.MessageID
@_exported import enum SessionStore.MessageRow
@_exported import struct SessionStore.RowID
@_exported import struct SessionStore.SearchHit
