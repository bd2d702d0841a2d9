"""How things read in chat: texts, cards and files made for one reader, in their language and zone.

Handlers, flows and timed messages render through these; none of them sends anything.
"""
