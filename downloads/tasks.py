"""The queue's side of a download: django-tasks (database backend) runs it in `db_worker`."""

from __future__ import annotations

from django_tasks import task


@task()
def build_download(download_id: int) -> dict:
    from downloads.services import download_build

    download = download_build(download_id=download_id)
    return {"status": download.status, "rows": download.rows_done}
