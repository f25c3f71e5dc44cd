"""Spreadsheets in and out: the proposal ledger, the members roster and the units list.

``base`` runs a file through an importer; ``ledger`` and ``directory`` are the importers;
``exports`` writes the same lists back in the same shape, and their blank templates.
"""
