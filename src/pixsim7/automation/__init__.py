"""Android automation over ADB: devices (local or behind a paired device agent), presets of
typed actions, executions of a preset for an account on a device, and loops that run them
on a schedule."""
