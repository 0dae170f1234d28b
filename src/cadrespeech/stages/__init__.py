"""The per-page stages: pure functions from a page's bytes to its speeches, sentences and tokens.

``FLOW`` lists the modules in the order the data passes through them; a module
imports only modules before it (a test keeps it so). Rule tables sit beside the stage
that reads them (``clean_rules`` before ``clean``, ``head_rules`` before ``head``).
"""

FLOW = (
    "textclass",  # character classes and line shapes every stage shares
    "vocabulary",  # word lists several rules read, each written once
    "edits",  # the ledger: changes in current text composed back to raw offsets
    "ingest",  # bytes -> RawPage -> DecodedPage (encoding, line ends, markup)
    "html_rules",
    "htmltext",  # HTML -> text, every tag and entity an edit
    "pagemeta",  # what the page says about itself: <title>, meta tags, front matter
    "sitename",  # the site's own name, for its watermarks
    "clean_rules",
    "markdown_rules",
    "notes",
    "clean",  # DecodedPage -> Cleaned(text, edits)
    "head_rules",
    "structure_rules",
    "head",  # the title, date and speaker decision
    "genre",
    "structure",  # Cleaned -> speeches with sections and paragraphs
    "speaker_meta",  # office, level, region and occasion type, from each speech's head
    "sentences",
    "domain",
    "jiebacut",  # jieba's precise cut, done again exactly on its own tables
    "tokens",  # sentences -> jieba tokens and POS
    "reprints",  # per-speech signatures and paragraph hashes
    "pipeline",  # one page through all of the above
)
