"""WARC capture: what the server sent, readable by warcio, one gzip member per record."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from scrapy import Request
from scrapy.http import HtmlResponse, Response
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from crawler.warc import WarcFileWriter


def _exchange(url: str, body: bytes, **headers: str) -> tuple[Request, Response]:
    request = Request(
        url,
        method="POST" if "dataproxy" in url else "GET",
        body=b"a=1" if "dataproxy" in url else b"",
    )
    response = HtmlResponse(
        url=url, body=body, headers=headers or {"Content-Type": "text/html"}, request=request
    )
    return request, response


def _records(path: Path) -> list:
    with path.open("rb") as handle:
        return [
            (
                r.rec_type,
                r.rec_headers.get_header("WARC-Target-URI"),
                r.content_stream().read(),
                r.rec_headers,
            )
            for r in ArchiveIterator(handle)
        ]


def test_exchanges_are_request_and_response_records_with_a_reference(tmp_path) -> None:
    writer = WarcFileWriter(tmp_path, "disclosure-20260101T000000Z", info={"spider": "disclosure"})
    ref = writer.write_exchange(*_exchange("http://127.0.0.1/a.html", "<p>正文</p>".encode()))
    ref2 = writer.write_exchange(
        *_exchange("http://127.0.0.1/module/web/jpage/dataproxy.jsp?startrecord=1", b"<datastore/>")
    )
    writer.close()
    (path,) = tmp_path.glob("*.warc.gz")
    assert path.name == ref.filename == "disclosure-20260101T000000Z-00001.warc.gz"
    records = _records(path)
    assert [r[0] for r in records] == ["warcinfo", "response", "request", "response", "request"]
    assert records[1][1] == "http://127.0.0.1/a.html"
    assert records[1][2] == "<p>正文</p>".encode()
    assert records[4][2] == b"a=1", "a POST body is kept in its request record"
    assert records[1][3].get_header("WARC-Record-ID") == ref.record_id
    assert ref.payload_digest.startswith("sha1:")
    # The offset points at the response record's own gzip member.
    with path.open("rb") as handle:
        handle.seek(ref.offset)
        record = next(iter(ArchiveIterator(handle)))
        assert record.rec_type == "response"
        assert record.rec_headers.get_header("WARC-Record-ID") == ref.record_id
    assert ref2.offset > ref.offset


def test_files_rotate_by_size(tmp_path) -> None:
    writer = WarcFileWriter(tmp_path, "x", max_bytes=2000)
    refs = [
        writer.write_exchange(*_exchange(f"http://127.0.0.1/{n}.html", bytes(range(256)) * 20))
        for n in range(6)
    ]
    writer.close()
    names = sorted(p.name for p in tmp_path.glob("*.warc.gz"))
    assert len(names) > 1
    assert {r.filename for r in refs} == set(names)
    for name in names:
        assert _records(tmp_path / name)[0][0] == "warcinfo"


def test_a_truncated_file_is_readable_up_to_its_last_whole_record(tmp_path) -> None:
    writer = WarcFileWriter(tmp_path, "x")
    for n in range(3):
        writer.write_exchange(*_exchange(f"http://127.0.0.1/{n}.html", b"<p>x</p>" * 100))
    writer.close()
    (path,) = tmp_path.glob("*.warc.gz")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])  # killed in the middle of the last record
    read = []
    with path.open("rb") as handle:
        try:
            for record in ArchiveIterator(handle):
                read.append(record.rec_type)
                record.content_stream().read()
        except (EOFError, zlib.error, ArchiveLoadFailed):
            read.append("cut")  # the cut record itself may not parse; everything before it must
    assert read[:5] == ["warcinfo", "response", "request", "response", "request"]


def test_raw_encoded_body_is_kept(tmp_path) -> None:
    body = gzip.compress("<p>压缩正文</p>".encode())
    request = Request("http://127.0.0.1/z.html")
    response = Response(
        url=request.url, body=body, headers={"Content-Encoding": "gzip"}, request=request
    )
    writer = WarcFileWriter(tmp_path, "x")
    writer.write_exchange(request, response)
    writer.close()
    (path,) = tmp_path.glob("*.warc.gz")
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):  # a record's stream is read before moving on
            if record.rec_type == "response":
                assert record.http_headers.get_header("Content-Encoding") == "gzip"
                # What the server sent, still gzip-encoded (a replay decodes it as a crawl does).
                assert record.raw_stream.read() == body
                break
        else:
            raise AssertionError("no response record")
