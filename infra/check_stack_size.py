"""Counts the resources of every stack of the deployment after SAM's transform.

CloudFormation refuses a stack of more than 500 resources, and counts them *after* the
SAM transform, which adds a role per function, permissions, stages and the like. This
runs the transform CloudFormation runs (aws-sam-translator, pinned in the project's
venv) on `infra/template.yaml` and each nested stack it names, prints what each holds,
and fails when any stack holds more than BUDGET — well before the limit, so that the
day a stack approaches it is a day with room to act (see
docs/decisions/0002-nested-stacks-per-area.md).

Usage: .venv/bin/python infra/check_stack_size.py [infra/template.yaml]
"""

import copy
import logging
import os
import sys
from collections import Counter

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

# CloudFormation's hard limit per stack, and the most any of ours may use.
LIMIT = 500
BUDGET = int(os.environ.get("PORTICO_STACK_BUDGET", "250"))

# The translator's own usage metrics are not ours to report.
logging.getLogger("samtranslator").setLevel(logging.ERROR)


class NoManagedPolicies:
    """The transform asks for AWS managed policies by name; these templates name none."""

    def load(self):
        return {}


def packaged(template):
    """The template as `sam package` leaves it: code and nested stacks in S3."""
    template = copy.deepcopy(template)
    for resource in template.get("Resources", {}).values():
        props = resource.setdefault("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function":
            props["CodeUri"] = "s3://portico-artifacts/portico.zip"
        if resource.get("Type") == "AWS::Serverless::Application":
            props["Location"] = "https://s3.amazonaws.com/portico-artifacts/" + props["Location"]
    globals_ = template.get("Globals", {}).get("Function", {})
    if "CodeUri" in globals_:
        globals_["CodeUri"] = "s3://portico-artifacts/portico.zip"
    return template


def count(path):
    with open(path, encoding="utf-8") as f:
        template = yaml_parse(f.read())
    transformed = transform(packaged(template), {"AWS::Region": "us-east-1"}, NoManagedPolicies())
    return template, Counter(r["Type"] for r in transformed["Resources"].values())


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "template.yaml")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    template, counts = count(root)
    stacks = [(root, counts)]
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") == "AWS::Serverless::Application":
            nested = os.path.join(os.path.dirname(root), resource["Properties"]["Location"])
            stacks.append((nested, count(nested)[1]))

    over = []
    total = 0
    print(f"resources per stack after SAM's transform (budget {BUDGET}, CloudFormation's limit {LIMIT}):")
    for path, counts in stacks:
        n = sum(counts.values())
        total += n
        functions = counts.get("AWS::Lambda::Function", 0)
        print(f"  {os.path.relpath(path):32} {n:4}  ({functions} functions)")
        if n > BUDGET:
            over.append((path, n, counts))
    print(f"  {'in all':32} {total:4}")
    for path, n, counts in over:
        kinds = ", ".join(f"{v} {k}" for k, v in counts.most_common())
        print(f"FAIL: {path} holds {n} resources (> {BUDGET}): {kinds}. Split the area (docs/decisions/0002).")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
