"""The manifest: the bureau's batch definition, read from Excel, YAML or JSON."""

from perfeval_xl.manifest.build import LoadedManifest, build_manifest
from perfeval_xl.manifest.load import ManifestError, load_manifest, read_manifest

__all__ = ["LoadedManifest", "ManifestError", "build_manifest", "load_manifest", "read_manifest"]
