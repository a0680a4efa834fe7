"""Files that entries carry (a publication's full text, slides, data), checked by content.

An upload is told apart by what it holds, never by its name: a PDF by its magic
bytes and by being read (pypdf), Word/Excel/PowerPoint by the main part their ZIP
package declares, a ZIP archive by each of its members being a file the site
accepts, CSV by being UTF-8 text that a CSV reader reads. Which of these editors
may upload, and at most how large, is in the settings (``FILE_TYPES_ALLOWED``,
``FILE_UPLOAD_MAX_SIZE``); more types may be recognised by their magic bytes
(``FILE_TYPES_EXTRA``). A file is stored under a random name through Django's
storage API; it is downloaded by its stable address (``/files/<id>/<name>.<ext>``,
``unumn/downloads.py``).
"""

import csv
import hashlib
import io
import lzma
import secrets
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify

CHUNK = 64 * 1024
SHOWN_INLINE = {"pdf"}  # opened in the browser's own viewer; the others are saved
MAX_ZIP_MEMBERS = 1_000
MAX_PART = 1024 * 1024  # an Office package's [Content_Types].xml, unpacked
SNIFFED = 8 * 1024  # how much of a text file the CSV check reads


@dataclass(frozen=True)
class FileType:
    extension: str
    mime: str
    label: str
    magic: tuple = ()  # byte prefixes, for types recognised by them alone


OOXML = "application/vnd.openxmlformats-officedocument"
TYPES = {
    "pdf": FileType("pdf", "application/pdf", "PDF"),
    "docx": FileType("docx", f"{OOXML}.wordprocessingml.document", "Word document"),
    "xlsx": FileType("xlsx", f"{OOXML}.spreadsheetml.sheet", "Excel workbook"),
    "pptx": FileType("pptx", f"{OOXML}.presentationml.presentation", "PowerPoint slides"),
    "csv": FileType("csv", "text/csv", "CSV data"),
    "zip": FileType("zip", "application/zip", "ZIP archive"),
}
# The main part each Office Open XML package declares in [Content_Types].xml (a
# macro-enabled document declares another, and is refused).
OOXML_MAIN_PARTS = {
    "docx": b"wordprocessingml.document.main+xml",
    "xlsx": b"spreadsheetml.sheet.main+xml",
    "pptx": b"presentationml.presentation.main+xml",
}


def file_types():
    """``{extension: FileType}`` of every type the site knows (its own and the settings')."""
    extra = {
        ext: FileType(ext, mime, label, tuple(magic))
        for ext, (mime, label, magic) in getattr(settings, "FILE_TYPES_EXTRA", {}).items()
    }
    return {**TYPES, **extra}


def allowed_types():
    known = file_types()
    return {ext: known[ext] for ext in settings.FILE_TYPES_ALLOWED if ext in known}


def file_type(extension):
    """The ``FileType`` of a stored file's extension (a generic one if no longer known)."""
    return file_types().get(extension) or FileType(extension, "application/octet-stream", "File")


def languages():
    """ISO 639-1 languages, by name: the choices of a file's (and an entry's) language."""
    named = ((code, info["name"]) for code, info in LANG_INFO.items() if "name" in info)
    return sorted(((code, name) for code, name in named if len(code) == 2), key=lambda c: c[1])


@dataclass(frozen=True)
class Checked:
    """What an accepted upload is: its type, size, digest and (a PDF's) page count."""

    type: FileType
    size: int
    sha256: str
    pages: int | None = None


def check(upload):
    """The ``Checked`` description of ``upload`` (a Django ``File``), or a
    ``ValidationError`` saying in plain words why it is refused."""
    limit = settings.FILE_UPLOAD_MAX_SIZE
    size = upload.size
    if not size:
        raise ValidationError("The file is empty.", code="empty")
    if size > limit:
        raise ValidationError(
            "This file is %(size)s; a file may be at most %(limit)s.",
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    upload.seek(0)
    head = upload.read(CHUNK)
    upload.seek(0)
    allowed = allowed_types()
    extension, pages = _identify(upload, head, allowed)
    if extension not in allowed:
        raise ValidationError(
            "This is not a file the site accepts (its content was checked, not its name). "
            "Accepted: %(accepted)s.",
            code="type",
            params={"accepted": ", ".join(t.label for t in allowed.values())},
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(CHUNK), b""):
        digest.update(chunk)
    upload.seek(0)
    return Checked(allowed[extension], size, digest.hexdigest(), pages)


def _identify(upload, head, allowed, *, nested=False):
    """``(extension, pages)`` of what the file holds, ``(None, None)`` if unknown."""
    if head.startswith(b"%PDF-"):
        return "pdf", _pdf_pages(upload)
    if head.startswith(b"PK\x03\x04"):
        return _identify_zip(upload, allowed, nested=nested), None
    for extension, kind in allowed.items():
        if any(head.startswith(magic) for magic in kind.magic):
            return extension, None
    if _is_csv(head):
        return "csv", None
    return None, None


def _pdf_pages(upload):
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                "This PDF is protected by a password: upload one that anyone can open.",
                code="pdf_encrypted",
            )
        return len(reader.pages)
    except (PyPdfError, ValueError, TypeError, KeyError, OSError, RecursionError) as error:
        raise ValidationError(
            "This PDF could not be read (%(reason)s): export it again and upload that.",
            code="pdf_damaged",
            params={"reason": str(error)[:120] or type(error).__name__},
        ) from None
    finally:
        upload.seek(0)


def _identify_zip(upload, allowed, *, nested):
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if "[Content_Types].xml" in names:
                if archive.getinfo("[Content_Types].xml").file_size > MAX_PART:
                    return None  # no real package declares its parts in megabytes
                declared = archive.read("[Content_Types].xml")
                for extension, part in OOXML_MAIN_PARTS.items():
                    if part in declared:
                        return extension
                return None  # another package: macro-enabled, OpenDocument...
            if nested:
                return None  # a ZIP inside a ZIP is not opened
            _check_members(archive, members, allowed)
            return "zip"
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        NotImplementedError,
        RuntimeError,
        OSError,
        ValueError,
        lzma.LZMAError,
        zlib.error,
    ):
        raise ValidationError(
            "This ZIP archive is damaged or encrypted.", code="zip_damaged"
        ) from None
    finally:
        upload.seek(0)


def _check_members(archive, members, allowed):
    """Every member of a ZIP archive must be a file the site accepts (not another ZIP),
    and the whole must unpack to no more than the upload limit."""
    files = [member for member in members if not member.is_dir()]
    if len(files) > MAX_ZIP_MEMBERS or not files:
        raise ValidationError(
            "A ZIP archive may hold from 1 to %(most)s files.",
            code="zip_members",
            params={"most": MAX_ZIP_MEMBERS},
        )
    if sum(member.file_size for member in files) > settings.FILE_UPLOAD_MAX_SIZE:
        raise ValidationError(
            "This ZIP archive unpacks to more than %(limit)s.",
            code="zip_too_large",
            params={"limit": filesizeformat(settings.FILE_UPLOAD_MAX_SIZE)},
        )
    for member in files:
        data = io.BytesIO(archive.read(member))
        extension, _ = _identify(data, data.getvalue()[:CHUNK], allowed, nested=True)
        if extension not in allowed or extension == "zip":
            raise ValidationError(
                "The ZIP archive holds “%(name)s”, which is not a file the site accepts.",
                code="zip_member_type",
                params={"name": member.filename[:120]},
            )


def _is_csv(head):
    """UTF-8 text (no NUL) whose first lines a CSV reader reads into the same number of
    columns (two or more) with one of the usual delimiters. (csv.Sniffer is not used: it
    backtracks for seconds on crafted text.)"""
    if b"\x00" in head:
        return False
    if len(head) > SNIFFED:
        head = head[: head.rfind(b"\n", 0, SNIFFED) + 1]  # whole lines only
    try:
        lines = head.decode("utf-8-sig").splitlines()[:20]
    except UnicodeDecodeError:
        return False
    for delimiter in ",;\t|":
        try:
            rows = [row for row in csv.reader(lines, delimiter=delimiter) if row]
        except csv.Error:
            return False
        if rows and len(rows[0]) > 1 and all(len(row) == len(rows[0]) for row in rows):
            return True
    return False


def safe_name(name):
    """A download name's stem from an uploaded file's name: no folders, ASCII letters,
    digits and hyphens, at most 80 characters."""
    stem = name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return slugify(stem)[:80].strip("-") or "file"


def stored_name(instance, filename):
    """Where a file is stored: a random name (nothing about it can be guessed), with the
    extension of its checked type."""
    return f"files/{secrets.token_urlsafe(24)}.{instance.file_type}"
