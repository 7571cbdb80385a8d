"""The private file store used by every upload in mutu.

Files are checked by their content (not their name or the browser's claim),
limited in size, and images are re-encoded so that metadata such as GPS
coordinates in EXIF never leaves the office.  They are written under
``PRIVATE_MEDIA_ROOT``, which no URL maps to: ``mutu.core.views.stored_file``
serves them after a permission check.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import NameObject

from mutu.core.audit import record_audit
from mutu.core.errors import ApplicationError
from mutu.core.models import StoredFile

ALLOWED_KINDS = {
    "application/pdf": StoredFile.Kind.PDF,
    "image/png": StoredFile.Kind.PNG,
    "image/jpeg": StoredFile.Kind.JPEG,
}
# Decompression bombs: refuse images bigger than this many pixels.
MAX_IMAGE_PIXELS = 40_000_000


def private_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT)


def _reencode_image(data: bytes, kind: str) -> bytes:
    """Decode and write the pixels again, dropping EXIF/XMP/ICC text and GPS."""
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            # Apply the camera's orientation before the EXIF that carries it is dropped.
            img = ImageOps.exif_transpose(img)
            out = io.BytesIO()
            if kind == StoredFile.Kind.JPEG:
                img.convert("RGB").save(out, format="JPEG", quality=88, optimize=True)
            else:
                # Keep only what the pixels need; text chunks, EXIF and ICC are dropped.
                keep = {k: v for k, v in img.info.items() if k == "transparency"}
                img.info = keep
                img.save(out, format="PNG", optimize=True, **keep)
            return out.getvalue()
    except (OSError, Image.DecompressionBombError, ValueError) as exc:
        raise ApplicationError(_("The image could not be read.")) from exc


def _strip_pdf_metadata(data: bytes) -> bytes:
    """Rewrite a PDF without its document information and XMP metadata (author, software, dates).

    An encrypted or damaged PDF cannot be rewritten; it is refused rather than kept with metadata.
    """
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ApplicationError(_("Password-protected PDF files are not accepted."))
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        writer._root_object.pop(NameObject("/Metadata"), None)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        # pypdf reports damaged files with many exception types.
        raise ApplicationError(_("The PDF file could not be read.")) from exc


def validate_upload(data: bytes, *, max_bytes: int | None = None) -> tuple[str, str]:
    """Return (kind, content type) sniffed from the bytes, or raise ApplicationError."""
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    if not data:
        raise ApplicationError(_("The file is empty."))
    if len(data) > limit:
        raise ApplicationError(_("The file is too large (maximum %(mb)s MB).") % {"mb": round(limit / 1024 / 1024, 1)})
    guess = filetype.guess(data)
    mime = guess.mime if guess else ""
    if mime not in ALLOWED_KINDS:
        raise ApplicationError(_("Only PDF, PNG and JPEG files are accepted."))
    return ALLOWED_KINDS[mime], mime


def store_upload(
    *,
    upload: UploadedFile,
    purpose: str,
    unit=None,
    is_public: bool = False,
    by=None,
    max_bytes: int | None = None,
) -> StoredFile:
    """Check, clean and store one uploaded file; returns the saved StoredFile row."""
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload.size and upload.size > limit:
        raise ApplicationError(_("The file is too large (maximum %(mb)s MB).") % {"mb": round(limit / 1024 / 1024, 1)})
    data = upload.read(limit + 1)
    kind, mime = validate_upload(data, max_bytes=limit)
    if kind in (StoredFile.Kind.PNG, StoredFile.Kind.JPEG):
        data = _reencode_image(data, kind)
    elif kind == StoredFile.Kind.PDF:
        data = _strip_pdf_metadata(data)
    now = timezone.now()
    stored = StoredFile(
        created_at=now,
        uploaded_by=by if by is not None and by.is_authenticated else None,
        unit=unit,
        is_public=is_public,
        purpose=purpose,
        original_name=Path(upload.name or "file").name[:255],
        kind=kind,
        content_type=mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    stored.relative_path = f"{now:%Y/%m}/{stored.id.hex}"
    target = private_root() / stored.relative_path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    try:
        with transaction.atomic():
            stored.save()
            record_audit(
                actor=by,
                action="file.store",
                obj=stored,
                unit=unit,
                after={
                    "purpose": purpose,
                    "kind": kind,
                    "size": stored.size,
                    "sha256": stored.sha256,
                },
                now=now,
            )
    except Exception:
        target.unlink(missing_ok=True)
        raise
    return stored


def open_stored(stored: StoredFile):
    return (private_root() / stored.relative_path).open("rb")
