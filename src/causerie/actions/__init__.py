"""`do_*` actions: every state change of the chat. Transport code calls exactly one of them."""
