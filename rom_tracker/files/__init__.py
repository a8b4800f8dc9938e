"""The files rom-tracker writes and reads beside the store: ``analyze``'s outputs (CSV, NPZ,
JSON, written atomically), OpenSim ``.mot`` motion files and camera calibration TOML."""
