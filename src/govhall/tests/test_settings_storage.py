"""Uploads go to the data folder by default and to an S3-compatible bucket when one is named."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def _storages(**env: str) -> dict:
    code = "from django.conf import settings; import json; print(json.dumps(settings.STORAGES))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "govhall.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_uploads_are_stored_in_the_data_folder_by_default():
    storages = _storages(GOVHALL_S3_BUCKET="")
    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_a_named_bucket_moves_uploads_to_a_private_s3_store():
    storages = _storages(
        GOVHALL_S3_BUCKET="govhall-files", GOVHALL_S3_ENDPOINT_URL="http://127.0.0.1:9000"
    )
    default = storages["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == "govhall-files"
    assert default["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"
    assert default["OPTIONS"]["default_acl"] == "private"
