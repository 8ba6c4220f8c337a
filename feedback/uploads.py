"""Refuse multipart bodies that stop before their closing boundary: an upload cut short or forged."""

from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParser, MultiPartParserError

# Browsers end a body with the closing boundary and a line break; allow a short epilogue after it.
TAIL_BYTES = 1024


class TailKeepingStream:
    """Reads the request body through, keeping its last bytes to check how it ended."""

    def __init__(self, stream):
        self.stream = stream
        self.tail = b""

    def read(self, size=-1):
        data = self.stream.read(size)
        self.tail = (self.tail + data)[-TAIL_BYTES:]
        return data


class CompleteBodyUploadHandler(FileUploadHandler):
    """Parses a multipart body with Django's parser and the other upload handlers, then checks it was whole.

    Django's parser takes a body that stops early as complete and keeps the fields that arrived,
    the last one cut short: a report could be saved with half its description. A whole body
    ends with the closing boundary; anything else is a bad request (HTTP 400).
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        others = [handler for handler in self.request.upload_handlers if handler is not self]
        stream = TailKeepingStream(input_data)
        post, files = MultiPartParser(META, stream, others, encoding).parse()
        if b"--" + boundary + b"--" not in stream.tail:
            for _name, uploads in files.lists():
                for upload in uploads:
                    upload.close()
            raise MultiPartParserError("The multipart body ends before its closing boundary.")
        return post, files

    def receive_data_chunk(self, raw_data, start):
        return raw_data  # never reached: the inner parser feeds the other handlers

    def file_complete(self, file_size):
        return None
