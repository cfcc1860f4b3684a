"""Item pipelines, one concern per module, in the order crawler/settings.py gives them:

dedupe (100) → extract (200) → attachments (250) → attachment_text (260) → normalize (300) →
annual (400) → validate (800) → archive (900)
"""

from pipelines.annual import AnnualReportPipeline
from pipelines.archive import JsonLinesArchivePipeline
from pipelines.attachment_text import AttachmentTextPipeline
from pipelines.attachments import AttachmentsPipeline
from pipelines.dedupe import CanonicalUrlDedupePipeline
from pipelines.extract import ExtractPipeline
from pipelines.normalize import NormalizePipeline
from pipelines.validate import SchemaValidationPipeline

__all__ = [
    "AnnualReportPipeline",
    "AttachmentTextPipeline",
    "AttachmentsPipeline",
    "CanonicalUrlDedupePipeline",
    "ExtractPipeline",
    "JsonLinesArchivePipeline",
    "NormalizePipeline",
    "SchemaValidationPipeline",
]
