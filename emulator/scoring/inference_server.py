"""A stand-in for the Azure ML inference HTTP server (azureml-inference-server-http, `azmlinfsrv`), standard
library only. The emulator runs one per online deployment and per ACI scoring container group.

    python3 inference_server.py --port 5001 [--entry_script score.py]

Configuration, as the real server reads it: AML_APP_ROOT (the code folder, put on sys.path), AZUREML_ENTRY_SCRIPT
(the scoring script, relative to AML_APP_ROOT unless absolute; its folder is put on sys.path too) and
AZUREML_MODEL_DIR (for the script). The script is imported, init() is called once, then:

    GET /               200 "Healthy" (liveness)
    GET /swagger.json   a minimal Swagger 2.0 document
    POST /score         run(<body as text>); GET /score runs it with the query parameters as a JSON object
    OPTIONS /score      200, empty

run()'s result goes out as JSON (200); an AMLResponse it returns is sent as it is (status, body, headers). An
exception in run() gives 500 {"message": "An unexpected error occurred in scoring script. Check the logs for more
info."} with the traceback in the log only. A failing import or init() logs the traceback and exits with status
3, as the real server does. Everything is logged to stdout. `from azureml.contrib.services.aml_response import
AMLResponse` (and `azureml_inference_server_http.api.aml_response`) work inside this process only; @rawhttp and
@input_schema are not supported.
"""

import argparse
import datetime
import importlib.util
import inspect
import json
import os
import sys
import threading
import time
import traceback
import types
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

VERSION = "1.4.0-emulator"
HEADER_LIMIT = 100
RUN_FAILED = "An unexpected error occurred in scoring script. Check the logs for more info."
INTERNAL_ERROR = "An unexpected internal error occurred. Check the logs for more info."
NOT_FOUND = (
    "The requested URL was not found on the server. If you entered the URL manually please check your spelling "
    "and try again."
)
TREE_LOG_LIMIT = 200

_log_lock = threading.Lock()


def log(level, message):
    """A line in the real server's format: `<time> <I|W|E> [<pid>] azmlinfsrv - <message>`."""
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S,%f")[:-3]
    with _log_lock:
        for line in str(message).splitlines() or [""]:
            sys.stdout.write(f"{stamp} {level} [{os.getpid()}] azmlinfsrv - {line}\n")
        sys.stdout.flush()


class AMLResponse:
    """What a scoring script returns for full control of the answer (status code, body, headers)."""

    def __init__(self, message, status_code, response_headers=None, json_str=False, run_function_failed=False):
        response_headers = response_headers or {}
        if message is None:
            body, content_type = "{}", "application/json"
        elif json_str:
            body, content_type = json.dumps(message), "application/json"
        else:
            body, content_type = message, "text/html; charset=utf-8"
        self.status_code = int(status_code)
        self.data = body if isinstance(body, bytes) else str(body).encode("utf-8")
        self.headers = [("Content-Type", content_type)]
        if not json_str and any(name.lower() == "content-type" for name in response_headers):
            self.headers = []
        self.headers.append(("x-ms-run-function-failed", str(bool(run_function_failed))))
        # Repeated headers come comma-separated, as the real class splits them.
        for name, value in response_headers.items():
            for part in str(value).split(","):
                self.headers.append((name, part.strip()))

    def set_header(self, name, value):
        self.headers = [(n, v) for n, v in self.headers if n.lower() != name.lower()] + [(name, value)]


def install_response_modules():
    """Makes AMLResponse importable under the real server's module names, in this process only."""
    for dotted in ("azureml.contrib.services.aml_response", "azureml_inference_server_http.api.aml_response"):
        parts = dotted.split(".")
        parent = None
        for depth in range(1, len(parts) + 1):
            name = ".".join(parts[:depth])
            module = sys.modules.get(name)
            if module is None:
                module = types.ModuleType(name)
                if depth < len(parts):
                    module.__path__ = []
                sys.modules[name] = module
            if parent is not None:
                setattr(parent, parts[depth - 1], module)
            parent = module
        parent.AMLResponse = AMLResponse


def error_response(status, message, run_function_failed=False):
    return AMLResponse({"message": message}, status, json_str=True, run_function_failed=run_function_failed)


def swagger_document():
    """The Swagger 2.0 document of a script without schema decorators, shortened."""
    service = os.environ.get("SERVICE_NAME", "ML service")
    error = {"description": "The service failed to execute due to an error.", "schema": {"$ref": "#/definitions/Error"}}
    score = {
        "operationId": "RunMLService",
        "security": [{"Bearer": []}],
        "parameters": [{"name": "serviceInputPayload", "in": "body", "schema": {"$ref": "#/definitions/ServiceInput"}}],
        "responses": {"200": {"description": "The prediction.", "schema": {"$ref": "#/definitions/ServiceOutput"}}},
    }
    score["responses"]["default"] = error
    any_object = {"type": "object", "additionalProperties": {"type": "object"}}
    return {
        "swagger": "2.0",
        "info": {
            "title": service,
            "description": f"API specification for the Azure Machine Learning service {service}",
            "version": os.environ.get("SERVICE_VERSION", "1.0"),
        },
        "schemes": ["https"],
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "securityDefinitions": {"Bearer": {"type": "apiKey", "name": "Authorization", "in": "header"}},
        "paths": {
            "/": {"get": {"operationId": "ServiceHealthCheck", "responses": {"200": {"description": "Healthy"}}}},
            "/score": {"post": score},
        },
        "definitions": {
            "ServiceInput": any_object,
            "ServiceOutput": any_object,
            "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
        },
    }


class UserScript:
    def __init__(self, path):
        self.path = path
        spec = importlib.util.spec_from_file_location("entry_module", path)
        if spec is None or spec.loader is None:
            raise FileNotFoundError(f"No such file or directory: {path!r}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name in ("init", "run"):
            if not callable(getattr(module, name, None)):
                raise AttributeError(f"User script at {path} does not have a {name}() function defined.")
        self.init = module.init
        self.run = module.run
        self.wants_headers = "request_headers" in inspect.signature(module.run).parameters

    def invoke_run(self, data, headers):
        if self.wants_headers:
            return self.run(data, request_headers=headers)
        return self.run(data)


def log_model_dir():
    root = os.environ.get("AZUREML_MODEL_DIR", "")
    if not root or not os.path.exists(root):
        return
    log("I", "Model Directory Contents:")
    lines = 0
    for folder, subfolders, files in os.walk(root):
        subfolders.sort()
        depth = os.path.relpath(folder, root).count(os.sep) + (0 if folder == root else 1)
        for name in sorted(files) + [f"{d}/" for d in subfolders]:
            if lines == TREE_LOG_LIMIT:
                log("I", f"Output Truncated. First {TREE_LOG_LIMIT} lines shown.")
                return
            log("I", f"{'    ' * depth}{name}")
            lines += 1


def load(entry_script):
    app_root = os.path.abspath(os.environ.get("AML_APP_ROOT", os.getcwd()))
    path = entry_script if os.path.isabs(entry_script) else os.path.join(app_root, entry_script)
    for folder in (app_root, os.path.dirname(os.path.abspath(path))):
        if folder not in sys.path:
            sys.path.append(folder)
    install_response_modules()
    try:
        script = UserScript(path)
        log("I", f"Found user script at {path}")
    except BaseException:  # noqa: BLE001 - whatever the import raised ends the server, as the real one
        log("E", "Failed to import user script because it raised an unhandled exception")
        log("E", traceback.format_exc())
        sys.exit(3)
    log("I", "Invoking user's init function")
    try:
        script.init()
    except BaseException:  # noqa: BLE001
        log("E", "User's init function failed")
        log("E", f"Encountered Exception {traceback.format_exc()}")
        log_model_dir()
        sys.exit(3)
    log("I", "Users's init has completed successfully")
    return script


def make_handler(script):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "azmlinfsrv"

        def log_message(self, format, *args):  # noqa: A002 - BaseHTTPRequestHandler's signature
            pass

        def do_GET(self):
            self.handle_request()

        def do_POST(self):
            self.handle_request()

        def do_OPTIONS(self):
            self.handle_request()

        def do_PUT(self):
            self.handle_request()

        def do_DELETE(self):
            self.handle_request()

        def do_PATCH(self):
            self.handle_request()

        def handle_request(self):
            started = time.perf_counter()
            body = self.read_body()
            url = urlsplit(self.path)
            ids = self.request_ids()
            if isinstance(ids, AMLResponse):
                return self.send(ids, {}, started, url)
            response = self.route(url, body)
            self.send(response, ids, started, url)

        def read_body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length > 0 else b""

        def request_ids(self):
            request_id = self.headers.get("x-request-id") or str(uuid.uuid4())
            client_id = self.headers.get("x-ms-client-request-id", "")
            legacy_id = self.headers.get("x-ms-request-id", "") or client_id or request_id
            if len(request_id) > HEADER_LIMIT:
                return error_response(431, f"x-request-id must not exceed {HEADER_LIMIT} characters")
            if len(legacy_id) > HEADER_LIMIT or len(client_id) > HEADER_LIMIT:
                return error_response(
                    431, f"x-ms-request-id and x-ms-client-request-id must not exceed {HEADER_LIMIT} characters"
                )
            ids = {"x-request-id": request_id, "x-ms-request-id": legacy_id}
            if client_id:
                ids["x-ms-client-request-id"] = client_id
            return ids

        def route(self, url, body):
            if url.path == "/":
                if self.command != "GET":
                    return error_response(405, "The method is not allowed for the requested URL.")
                return AMLResponse("Healthy", 200)
            if url.path == "/swagger.json":
                if self.command != "GET":
                    return error_response(405, "The method is not allowed for the requested URL.")
                return AMLResponse(swagger_document(), 200, json_str=True)
            if url.path != "/score":
                return error_response(404, NOT_FOUND)
            if self.command == "OPTIONS":
                return AMLResponse("", 200)
            if self.command == "GET":
                query = {}
                for key, value in parse_qsl(url.query, keep_blank_values=True):
                    try:
                        parsed = json.loads(value)
                    except ValueError:
                        parsed = value
                    query.setdefault(key, []).append(parsed)
                data = json.dumps({k: v[0] if len(v) == 1 else v for k, v in query.items()})
            elif self.command == "POST":
                try:
                    data = body.decode("utf-8")
                except UnicodeDecodeError as error:
                    return error_response(400, f"Input cannot be decoded as UTF-8: {error}")
            else:
                return error_response(405, "Method not allowed")
            return self.score(data)

        def score(self, data):
            started = time.perf_counter()
            try:
                # Werkzeug's spelling (`X-Trace`), which is what dict(request.headers) gives run() for real.
                headers = {"-".join(p.capitalize() for p in k.split("-")): v for k, v in self.headers.items()}
                result = script.invoke_run(data, headers)
            except Exception:  # noqa: BLE001 - the script's failure becomes a 500, as the real server answers
                log("E", f"Encountered Exception: {traceback.format_exc()}")
                return error_response(500, RUN_FAILED, run_function_failed=True)
            elapsed = (time.perf_counter() - started) * 1000
            if isinstance(result, AMLResponse):
                log("I", "run() output is HTTP Response")
                if result.status_code >= 500:
                    result.set_header("x-ms-run-function-failed", "True")
                response = result
            else:
                try:
                    response = AMLResponse(result, 200, json_str=True)
                except (TypeError, ValueError):
                    log("E", f"Encountered Exception: {traceback.format_exc()}")
                    return error_response(500, INTERNAL_ERROR)
            response.headers.append(("x-ms-run-fn-exec-ms", f"{elapsed:.3f}"))
            return response

        def send(self, response, ids, started, url):
            self.send_response(response.status_code)
            for name, value in response.headers + list(ids.items()):
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.data)))
            self.end_headers()
            self.wfile.write(response.data)
            if url.path != "/":
                path = url.path + (f"?{url.query}" if url.query else "")
                duration = (time.perf_counter() - started) * 1000
                log("I", f"{self.command} {path} {response.status_code} {duration:.3f}ms {len(response.data)}")

    return Handler


def main():
    parser = argparse.ArgumentParser(description="Azure ML inference server stand-in (standard library only).")
    parser.add_argument("--port", type=int, default=5001)
    parser.add_argument("--entry_script", default=os.environ.get("AZUREML_ENTRY_SCRIPT"))
    args = parser.parse_args()
    log("I", f"Azure ML Inferencing HTTP server v{VERSION}")
    log("I", "Server Settings")
    log("I", f"Entry Script Name: {args.entry_script}")
    log("I", f"Model Directory: {os.environ.get('AZUREML_MODEL_DIR', '')}")
    log("I", f"Server Port: {args.port}")
    if not args.entry_script:
        log("E", "No entry script: set AZUREML_ENTRY_SCRIPT or pass --entry_script.")
        sys.exit(3)
    script = load(args.entry_script)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(script))
    server.daemon_threads = True
    log("I", f"Listening at: http://127.0.0.1:{server.server_address[1]}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
