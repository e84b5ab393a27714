"""MSME suppliers, by job: ``profiles`` (who may read and change a profile, its rules and
shapes), ``imports`` (a coordinator's spreadsheet, checked and loaded), ``duplicates`` (the
same enterprise registered twice: found, reviewed, merged) and ``search`` (finding suppliers
by what people type). Here beside them: the tables (``models``), the HTTP and command-line
faces of all four (``api``, ``views``, ``cli``), and the cluster figures kept until a
supplier changes (``summaries``)."""
