// The app's name and version as written in every Provenance: from package.json, so a release bump is the one edit.
import pkg from "../../package.json" with { type: "json" };

const NAME = "Stagewise";

/** { name: "Stagewise", version: package.json's version }. */
export const APP_INFO: { name: string; version: string } = { name: NAME, version: String(pkg.version) };
