#!/usr/bin/python3
"""Writes tests/fixtures/cli-yaml/keys-sdk-1.4.json: every key an Azure ML CLI v2 YAML file may hold, per schema.

The CLI's YAML schemas are the marshmallow classes of azure-ai-ml (Debian's python3-azure ships 1.4.0). This walks
each root schema the corpus covers and lists the keys a user may write, nested keys by dotted path: `a.b` for a
nested object, `a.*.b` for the values of a map (inputs, outputs, jobs, search_space, ...), lists transparent.
Fields that are only dumped (read-only, set by the service) are left out. Unions (`distribution`, the input kinds,
the AutoML tasks) give the union of their members' keys. Pipeline steps (`jobs.*`) are listed one level deep: the
keys under them belong to the step's own schema, which the command, sweep, spark, AutoML and component lists cover.
Node types the corpus does not cover are excluded in EXCLUDED below, with the reason.

Run from the repository root (tests/fixtures/cli-yaml/README.md):
    apt-get install -y python3-azure
    /usr/bin/python3 scripts/cli-yaml-keys/keys.py
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "scripts" / "sdk-judge"))  # the pydash stand-in azure-ai-ml imports

from marshmallow import fields  # noqa: E402
import azure.ai.ml  # noqa: E402
from azure.ai.ml._schema.core.fields import ExperimentalField, NestedField, UnionField  # noqa: E402
from azure.ai.ml._schema.job.command_job import CommandJobSchema  # noqa: E402
from azure.ai.ml._schema.pipeline.pipeline_job import PipelineJobSchema  # noqa: E402
from azure.ai.ml._schema._sweep.sweep_job import SweepJobSchema  # noqa: E402
from azure.ai.ml._schema.job.spark_job import SparkJobSchema  # noqa: E402
from azure.ai.ml._schema.job.parameterized_spark import CONF_KEY_MAP, SparkConfSchema  # noqa: E402
from azure.ai.ml._schema.automl.table_vertical.classification import AutoMLClassificationSchema  # noqa: E402
from azure.ai.ml._schema.automl.table_vertical.regression import AutoMLRegressionSchema  # noqa: E402
from azure.ai.ml._schema.automl.table_vertical.forecasting import AutoMLForecastingSchema  # noqa: E402
from azure.ai.ml._schema.automl.image_vertical.image_classification import (  # noqa: E402
    ImageClassificationSchema,
    ImageClassificationMultilabelSchema,
)
from azure.ai.ml._schema.automl.image_vertical.image_object_detection import (  # noqa: E402
    ImageObjectDetectionSchema,
    ImageInstanceSegmentationSchema,
)
from azure.ai.ml._schema.automl.nlp_vertical.text_classification import TextClassificationSchema  # noqa: E402
from azure.ai.ml._schema.automl.nlp_vertical.text_classification_multilabel import (  # noqa: E402
    TextClassificationMultilabelSchema,
)
from azure.ai.ml._schema.automl.nlp_vertical.text_ner import TextNerSchema  # noqa: E402
from azure.ai.ml._schema.component.command_component import CommandComponentSchema  # noqa: E402
from azure.ai.ml._schema.component.parallel_component import ParallelComponentSchema  # noqa: E402
from azure.ai.ml._schema.pipeline.pipeline_component import PipelineComponentSchema  # noqa: E402
from azure.ai.ml._schema._endpoint.online.online_endpoint import (  # noqa: E402
    KubernetesOnlineEndpointSchema,
    ManagedOnlineEndpointSchema,
)
from azure.ai.ml._schema._deployment.online.online_deployment import (  # noqa: E402
    KubernetesOnlineDeploymentSchema,
    ManagedOnlineDeploymentSchema,
)
from azure.ai.ml._schema.assets.model import ModelSchema  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "cli-yaml" / "keys-sdk-1.4.json"
CONTEXT = {"base_path": str(ROOT)}

AUTOML = [
    AutoMLClassificationSchema,
    AutoMLRegressionSchema,
    AutoMLForecastingSchema,
    ImageClassificationSchema,
    ImageClassificationMultilabelSchema,
    ImageObjectDetectionSchema,
    ImageInstanceSegmentationSchema,
    TextClassificationSchema,
    TextClassificationMultilabelSchema,
    TextNerSchema,
]

# name -> (root schemas, the `$schema` file names of the CLI that select it)
ROOTS = {
    "commandJob": ([CommandJobSchema], ["commandJob.schema.json"]),
    "pipelineJob": ([PipelineJobSchema], ["pipelineJob.schema.json"]),
    "sweepJob": ([SweepJobSchema], ["sweepJob.schema.json"]),
    "autoMLJob": (
        AUTOML,
        [
            "autoMLJob.schema.json",
            "autoMLClassificationJob.schema.json",
            "autoMLRegressionJob.schema.json",
            "autoMLForecastingJob.schema.json",
            "autoMLImageClassificationJob.schema.json",
            "autoMLImageClassificationMultilabelJob.schema.json",
            "autoMLImageObjectDetectionJob.schema.json",
            "autoMLImageInstanceSegmentationJob.schema.json",
            "autoMLTextClassificationJob.schema.json",
            "autoMLTextClassificationMultilabelJob.schema.json",
            "autoMLTextNerJob.schema.json",
        ],
    ),
    "sparkJob": ([SparkJobSchema], ["sparkJob.schema.json"]),
    "commandComponent": ([CommandComponentSchema], ["commandComponent.schema.json"]),
    "pipelineComponent": ([PipelineComponentSchema], ["pipelineComponent.schema.json"]),
    "parallelComponent": ([ParallelComponentSchema], ["parallelComponent.schema.json"]),
    "managedOnlineEndpoint": ([ManagedOnlineEndpointSchema], ["managedOnlineEndpoint.schema.json"]),
    "kubernetesOnlineEndpoint": ([KubernetesOnlineEndpointSchema], ["kubernetesOnlineEndpoint.schema.json"]),
    "managedOnlineDeployment": ([ManagedOnlineDeploymentSchema], ["managedOnlineDeployment.schema.json"]),
    "kubernetesOnlineDeployment": ([KubernetesOnlineDeploymentSchema], ["kubernetesOnlineDeployment.schema.json"]),
    "model": ([ModelSchema], ["model.schema.json"]),
}

# Keys left out of every list, with the reason (prefix match on the dotted path).
EXCLUDED = {
    "creation_context": "read-only: set by the service, never written in a file",
    "status": "read-only: the job's status, set by the service",
    "services.*.endpoint": "output-only: the URL of a job service, set by the service",
    "provisioning_state": "read-only: set by the service",
    "scoring_uri": "read-only: set by the service",
    "openapi_uri": "read-only: set by the service",
    "id": "read-only: the ARM id, set by the service",
    "environment.id": "the ARM id the CLI writes when it dumps a registered environment; files name one as "
    "`environment: azureml:<name>:<version>`",
    "trial.environment.id": "as environment.id",
    "task.environment.id": "as environment.id",
    "jobs.*.do_while": "control-flow nodes need azure-ai-ml's private preview flag (not a CLI file key)",
    "jobs.*.body": "control-flow nodes (do_while, parallel_for) need azure-ai-ml's private preview flag",
    "jobs.*.condition": "control-flow nodes need azure-ai-ml's private preview flag",
    "jobs.*.true_block": "control-flow nodes need azure-ai-ml's private preview flag",
    "jobs.*.false_block": "control-flow nodes need azure-ai-ml's private preview flag",
    "jobs.*.items": "control-flow nodes need azure-ai-ml's private preview flag",
    "jobs.*.max_concurrency": "control-flow nodes need azure-ai-ml's private preview flag",
    "jobs.*.source": "the import node (data import, preview in the CLI): not a job type issue 13 covers",
    "jobs.*.output": "the import node (data import, preview in the CLI): not a job type issue 13 covers",
    "jobs.*.limits": None,  # kept: sweep and AutoML nodes have limits
}


# AutoML `search_space` and `training_parameters` are keyed by hyperparameter name (about 60 names across the image
# and NLP models, each a setting of the model, not a key of the file's structure): listed as `<map>.*`, like a map.
HYPERPARAMETER_MAPS = {"autoMLJob": ["search_space", "training_parameters"]}


def collapse(keys, maps):
    out = set()
    for key in keys:
        parts = key.split(".")
        if len(parts) > 1 and parts[0] in maps:
            parts[1] = "*"
        out.add(".".join(parts))
    return out


def field_key(schema, name, field):
    # Spark `conf` is written with Spark's own names (`spark.driver.cores`), which the schema's pre_load maps.
    if isinstance(schema, SparkConfSchema):
        return CONF_KEY_MAP.get(name, name)
    return field.data_key or name


def members(field):
    """The fields a field stands for: itself, or the members of a union / experimental wrapper."""
    if isinstance(field, ExperimentalField):
        return members(field._experimental_field)  # pylint: disable=protected-access
    if isinstance(field, UnionField):
        out = []
        for member in field._union_fields:  # pylint: disable=protected-access
            out.extend(members(member))
        return out
    return [field]


def walk(schema, prefix, keys, stack):
    if type(schema) in stack:
        return
    stack = stack | {type(schema)}
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        path = prefix + field_key(schema, name, field)
        keys.add(path)
        descend(field, path, keys, stack)


def descend(field, path, keys, stack):
    if path.startswith("jobs.*.") or path.startswith("component.jobs.*."):
        return  # a step's own keys: its own schema's list covers what is under them
    for member in members(field):
        if isinstance(member, (NestedField, fields.Nested)):
            nested = member.schema
            if nested is not None:
                walk(nested, path + ".", keys, stack)
        elif isinstance(member, fields.List):
            descend(member.inner, path, keys, stack)
        elif isinstance(member, fields.Dict) and member.value_field is not None:
            for value in members(member.value_field):
                if isinstance(value, (NestedField, fields.Nested)) and value.schema is not None:
                    walk(value.schema, path + ".*.", keys, stack)
                elif isinstance(value, fields.List):
                    descend(value.inner, path + ".*", keys, stack)
                elif isinstance(value, fields.Dict):
                    descend(value, path + ".*", keys, stack)


def excluded(path):
    for prefix, reason in EXCLUDED.items():
        if reason and (path == prefix or path.startswith(prefix + ".")):
            return True
    return False


def main():
    lists = {}
    for name, (roots, schema_files) in ROOTS.items():
        keys = set()
        for root in roots:
            walk(root(context=CONTEXT), "", keys, frozenset())
        keys = collapse(keys, HYPERPARAMETER_MAPS.get(name, []))
        lists[name] = {"schemaFiles": schema_files, "keys": sorted(k for k in keys if not excluded(k))}
    document = {
        "source": f"azure-ai-ml {azure.ai.ml.__version__} marshmallow schemas (azure/ai/ml/_schema), "
        "written by scripts/cli-yaml-keys/keys.py",
        "excluded": {k: v for k, v in EXCLUDED.items() if v},
        "hyperparameterMaps": "AutoML search_space and training_parameters are keyed by hyperparameter name: listed as "
        "search_space.* and training_parameters.*, like a map",
        "schemas": lists,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(document, indent=2) + "\n")
    for name, entry in lists.items():
        print(f"{name}: {len(entry['keys'])} keys")


if __name__ == "__main__":
    main()
