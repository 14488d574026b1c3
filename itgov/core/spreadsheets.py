"""Excel files in and out, shared by every import and export: user text never becomes a formula or carries a
control character; an upload is size-checked before it is read; a file that is not an .xlsx, or inflates like
a zip bomb, is a 400 on the field `file`."""

from __future__ import annotations

import io
import re
import zipfile

from django.utils.translation import gettext as _

from .errors import InvalidInput

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_FILE_BYTES = 2 * 1024 * 1024  # an upload larger than this is refused before it is read
MAX_UNPACKED_BYTES = 40 * 1024 * 1024  # a small .xlsx that inflates beyond this is a zip bomb
# Control characters a cell must not carry (tab, line feed and carriage return are kept).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text_cell(cell, value) -> None:
    """Put user text in a cell as text: never a formula, never a control character."""
    cell.value = CONTROL_CHARS.sub("", "" if value is None else str(value))
    if cell.data_type == "f":  # a name beginning with "=" stays a name
        cell.data_type = "s"


def file_error(message: str) -> InvalidInput:
    return InvalidInput(_("导入文件有误"), fields={"file": [message]})


def read_upload(upload, *, extension: str = "xlsx", missing: str, wrong_type: str) -> bytes:
    """The bytes of an uploaded file, at most MAX_FILE_BYTES, of the given extension; `missing` and
    `wrong_type` say, in the caller's words, what to upload instead."""
    if upload is None:
        raise InvalidInput(fields={"file": [missing]})
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise file_error(_("文件过大,不得超过2MB"))
    name = str(getattr(upload, "name", "") or "")
    if name and not name.lower().endswith(f".{extension}"):
        raise file_error(wrong_type)
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise file_error(_("文件过大,不得超过2MB"))
    if not data:
        raise file_error(_("文件为空"))
    return data


def open_workbook(data: bytes):
    """The workbook of an .xlsx, read only; a file that is not one (or a zip bomb) is a 400 on `file`."""
    from openpyxl import load_workbook

    not_xlsx = file_error(_("不是有效的Excel(.xlsx)文件"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
                raise not_xlsx
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                raise file_error(_("文件内容过大"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise not_xlsx from None
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise not_xlsx from None
