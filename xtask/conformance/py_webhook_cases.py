"""Makes webhook deliveries with Svix's own library and verifies them with it and with Seam's
Python SDK (`svix` and `seam`, pinned in requirements.txt), for `cargo xtask conformance`.

    SEAM_CONFORMANCE_CASES='{"cases": [...]}' target/conformance/venv/bin/python py_webhook_cases.py

Each case: {"name", "secret" (what the receiver verifies with), "sign_with" (the secrets that
sign, in order; each adds a `v1,...` entry), "signature" (a header used as given instead),
"id", "offset" (seconds from now of the timestamp), "timestamp" (a header used as given
instead), "body" (what was signed), "delivered" (the body received, when it differs),
"spelling" ("webhook" or "svix"), "drop" (headers left out, by their webhook-* name)}.

stdout, one JSON line: {"svix": "svix 1.99.1", "seam": "seam 3.18.0", "results": [{"name",
"headers": [[name, value]...], "body", "secret", "svix": OUTCOME, "seam": OUTCOME}]} where
OUTCOME is {"ok": true, "event_type"?} or {"class", "message"}.
"""

import importlib.metadata
import json
import os
import sys
import time
from datetime import datetime, timezone

from seam import SeamWebhook
from svix.webhooks import Webhook


def outcome(verify):
    try:
        result = verify()
    except Exception as err:  # every outcome is reported, none is fatal
        message = str(err).splitlines()[0] if str(err) else ""
        return {"class": type(err).__name__, "message": message}
    event_type = None
    if isinstance(result, dict):
        event_type = result.get("event_type")
    else:
        event_type = getattr(result, "event_type", None)
    return {"ok": True, "event_type": event_type}


def delivery(case, now):
    ts = case.get("timestamp")
    if ts is None:
        ts = str(now + case.get("offset", 0))
    signature = case.get("signature")
    if signature is None:
        when = datetime.fromtimestamp(int(ts), tz=timezone.utc)
        signature = " ".join(
            Webhook(secret).sign(case["id"], when, case["body"])
            for secret in case["sign_with"]
        )
    prefix = case.get("spelling", "webhook")
    headers = []
    for name, value in [("id", case["id"]), ("timestamp", ts), ("signature", signature)]:
        if f"webhook-{name}" not in case.get("drop", []):
            headers.append([f"{prefix}-{name}", value])
    return headers, case.get("delivered", case["body"])


def main():
    spec = json.loads(os.environ.get("SEAM_CONFORMANCE_CASES") or "null")
    if not spec:
        sys.exit("py_webhook_cases: SEAM_CONFORMANCE_CASES is not set")
    now = int(time.time())
    results = []
    for case in spec["cases"]:
        headers, body = delivery(case, now)
        as_dict = dict(headers)
        secret = case["secret"]
        results.append(
            {
                "name": case["name"],
                "headers": headers,
                "body": body,
                "secret": secret,
                "svix": outcome(lambda: Webhook(secret).verify(body, as_dict)),
                "seam": outcome(lambda: SeamWebhook(secret).verify(body, as_dict)),
            }
        )
    print(
        json.dumps(
            {
                "svix": f"svix {importlib.metadata.version('svix')}",
                "seam": f"seam {importlib.metadata.version('seam')}",
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()
