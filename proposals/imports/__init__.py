"""The proposal ledger in and out (提案台账), and the blank templates and exports of the three
lists the office keeps in spreadsheets.

``ledger_rows`` is the ledger's shape (columns, names, a proposal described as a row);
``ledger`` is its importer; ``exports`` writes the ledger, the members roster and the units
list back in the shape their imports read. What every import shares is in
``hcppcc.core.imports``; the roster and units importers are the directory's
(``hcppcc.directory.imports``).
"""
