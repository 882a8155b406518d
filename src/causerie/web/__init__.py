"""The transport: thin HTTP routes and the WebSocket session. Only this layer speaks HTTP."""
