"""Import and export of the catalog lists (Excel, CSV, JSON, GB/T 39046 exchange JSON).

Modules: ``columns`` (the format: one table of GB/T 39046 element names ↔ our fields),
``cells`` (one value), ``reading`` (files → rows), ``validation`` (every row checked),
``comparison`` (does a row change a version), ``writing`` (records → files), ``gbt39046`` (the
exchange JSON), ``template``, ``services`` (what pages, API and commands call).
"""

from govhall.catalog.importexport.reading import MAX_FILE_BYTES, MAX_ROWS, RowError
from govhall.catalog.importexport.services import (
    CONTENT_TYPES,
    FORMATS,
    ImportInvalid,
    ImportReport,
    can_import_catalog,
    catalog_export,
    catalog_import,
    export_filename,
)
from govhall.catalog.importexport.template import catalog_template, template_filename

__all__ = [
    "CONTENT_TYPES",
    "FORMATS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "ImportInvalid",
    "ImportReport",
    "RowError",
    "can_import_catalog",
    "catalog_export",
    "catalog_import",
    "catalog_template",
    "export_filename",
    "template_filename",
]
