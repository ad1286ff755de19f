"""Importers of school data: GIAS establishments, Ofsted inspections, performance measures.

Each importer turns a Table into a Plan without writing (validate every row, compare with the
database), and applies a Plan inside the caller's transaction. schools.services runs them."""
