"""微查询: the answer engine (pure Python: no Flask, no database) and, later, its chat handler and H5 pages."""
