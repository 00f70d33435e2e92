"""The closed lists the command line's parser offers, written out here so that building the parser imports no
domain module (`fieldtool --help` starts at once: the domain brings SQLAlchemy, the models and PyThaiNLP).

Each list is the domain's own, copied: tests/test_startup_imports.py checks every one against it.
"""

PREVENT_CODES = ("understanding", "proposal", "feasibility", "leaders", "risk", "guarantee")  # vocabulary.PreventItem
DELIVERY_HOW = ("visit", "phone", "letter", "line", "meeting")  # vocabulary.ContactWay
LETTER_KINDS = ("notice-30", "notice-15", "notice-7", "demand-1", "demand-2", "demand-final", "meeting")  # vocabulary.LetterKind
FUND_KINDS = ("women", "kkkj", "village", "savings", "other")  # vocabulary.FundKind
FREQUENCIES = ("monthly", "quarterly", "half-yearly", "yearly")  # vocabulary.Frequency
GROUP_KINDS = ("women", "other")  # vocabulary.GroupKind
