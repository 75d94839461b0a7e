"""Calls user_identities.add_acs_user through Seam's Python SDK (`seam`, pinned in
requirements.txt) once per case, and prints what the SDK returned or raised as one JSON line.

    SEAM_CONFORMANCE_CASES='{"endpoint": "...", "cases": [{"name", "api_key", "params"}]}' \\
        target/conformance/venv/bin/python py_sdk_cases.py

stdout: {"sdk": "seam 3.18.0", "results": [{"name", "ok": true} |
         {"name", "error": {"class", "code", "status", "message", "request_id", "validation"}}]}
"""

import importlib.metadata
import json
import os
import sys

from seam import Seam
from seam.exceptions import SeamHttpApiError, SeamHttpInvalidInputError

PARAMS = ["acs_user_id", "user_identity_id", "user_identity_key"]


def run_case(endpoint, case):
    try:
        with Seam(api_key=case["api_key"], endpoint=endpoint) as seam:
            answer = seam.user_identities.add_acs_user(**case["params"])
        return {"name": case["name"], "ok": True, "answer": answer}
    except Exception as err:  # every outcome is reported, none is fatal
        api = isinstance(err, SeamHttpApiError)
        validation = {}
        if isinstance(err, SeamHttpInvalidInputError):
            for p in PARAMS:
                messages = err.get_validation_error_messages(p)
                if messages:
                    validation[p] = messages
        # A non-Seam error answer surfaces as httpx's own error, with the status on its
        # response; a call without a required argument is a TypeError before sending.
        response = getattr(err, "response", None)
        status = err.status_code if api else getattr(response, "status_code", None)
        return {
            "name": case["name"],
            "error": {
                "class": type(err).__name__,
                "code": err.code if api else None,
                "status": status,
                "message": str(err).splitlines()[0] if str(err) else "",
                "request_id": err.request_id if api else None,
                "validation": validation,
            },
        }


def main():
    spec = json.loads(os.environ.get("SEAM_CONFORMANCE_CASES") or "null")
    if not spec:
        sys.exit("py_sdk_cases: SEAM_CONFORMANCE_CASES is not set")
    results = [run_case(spec["endpoint"], c) for c in spec["cases"]]
    sdk = f"seam {importlib.metadata.version('seam')}"
    print(json.dumps({"sdk": sdk, "results": results}))


if __name__ == "__main__":
    main()
