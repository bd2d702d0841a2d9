"""The playground: the platform without Telegram — a local Bot API server that ships with the product."""
