"""The deputy portal's demo (DESIGN §10): the login `daibiao`, the account of the deputy
who leads an item replied with a PDF letter and waiting for its rating, and who co-signed
another item (in rework after the lead deputy's 不满意)."""

from __future__ import annotations

import struct
import zlib

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from departments.models import Role
from departments.models import User
from suggestions.demo import data
from suggestions.models import Suggestion

USERNAME = "daibiao"


def png_bytes(
    width: int = 48, height: int = 32, rgb: tuple[int, int, int] = (46, 94, 140)
) -> bytes:
    """A small, well-formed PNG of one colour (a stand-in for a photograph)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def pdf_bytes(text: str) -> bytes:
    """A small, well-formed one-page PDF showing one line of Latin text (the built-in PDF
    fonts have no Chinese): header, objects, xref table, trailer."""
    stream = b"BT /F1 14 Tf 60 760 Td (" + text.encode("latin-1") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def letter_pdf(s: Suggestion) -> ContentFile:
    """The demo's reply letter to `s`."""
    text = f"Jing'an District - reply letter to suggestion {s.year}-{s.number} (demo)"
    return ContentFile(pdf_bytes(text), name="dafuhan.pdf")


def build_deputy_account(*, awaiting: Suggestion, cosigned: Suggestion) -> User:
    """`daibiao`: the lead deputy of `awaiting`, a co-signer of `cosigned`."""
    deputy = awaiting.lead_deputy
    user, created = User.objects.get_or_create(
        username=USERNAME, defaults={"first_name": deputy.name, "phone": deputy.phone}
    )
    if created:
        user.set_password(data.DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=Role.DEPUTY))
    deputy.user = user
    deputy.save(update_fields=["user"])
    cosigned.co_signers.add(deputy)
    return user
