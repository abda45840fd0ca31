"""Publishes the member portal (web/dist) to the stack's web bucket and refreshes CloudFront.

`make deploy` runs it after `sam deploy`, with the SAM CLI's Python (it brings boto3) and
the operator's AWS credentials:

    python infra/publish_web.py <stack-name>

It reads the stack's outputs, uploads every built file with its content type (the hashed
files under static/ cached for a year, everything else `no-cache`), writes config.json
(the user pool's app client and Cognito's regional endpoint), and invalidates the
distribution's cache.
"""

import json
import mimetypes
import sys
import time
from pathlib import Path

import boto3

DIST = Path(__file__).resolve().parent.parent / "web" / "dist"


def outputs(cloudformation, stack):
    described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def main(stack):
    if not (DIST / "index.html").is_file():
        sys.exit("web/dist is missing: run `make web` first")
    session = boto3.session.Session()
    out = outputs(session.client("cloudformation"), stack)
    bucket, distribution = out["WebBucketName"], out["WebDistributionId"]
    region = session.region_name
    s3 = session.client("s3")
    for path in sorted(p for p in DIST.rglob("*") if p.is_file()):
        key = path.relative_to(DIST).as_posix()
        kind = mimetypes.guess_type(key)[0] or "application/octet-stream"
        cache = "public, max-age=31536000, immutable" if key.startswith("static/") else "no-cache"
        s3.upload_file(str(path), bucket, key, ExtraArgs={"ContentType": kind, "CacheControl": cache})
        print(f"  s3://{bucket}/{key}")
    config = {
        "cognito_url": f"https://cognito-idp.{region}.amazonaws.com/",
        "client_id": out["UserPoolClientId"],
        "region": region,
    }
    s3.put_object(
        Bucket=bucket,
        Key="config.json",
        Body=json.dumps(config).encode(),
        ContentType="application/json",
        CacheControl="no-cache",
    )
    session.client("cloudfront").create_invalidation(
        DistributionId=distribution,
        InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": str(time.time())},
    )
    print(f"published: {out['PortalUrl']}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: publish_web.py <stack-name>")
    main(sys.argv[1])
