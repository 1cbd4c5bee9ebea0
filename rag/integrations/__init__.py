"""Ways in from other software: the operations every integration offers (tools.py), and one adapter per
ecosystem (MCP, REST, LangChain, LlamaIndex). Each adapter's framework is an optional extra, imported only
by its own module."""
