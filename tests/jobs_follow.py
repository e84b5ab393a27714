"""Following a job as a client does: the 202's status_url, then the report it points to."""


def follow_job(client, response):
    """The answer a job's report gives once the job is done (tests run jobs as they are
    queued); a refusal before queuing, or a failed job's status, is returned as it is."""
    if response.status_code != 202:
        return response
    status = client.get(response.get_json()["status_url"])
    assert status.status_code == 200, status.get_json()
    job = status.get_json()
    if job["state"] != "done":
        return status
    return client.get(job["report_url"])
