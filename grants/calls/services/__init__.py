"""Services for programmes and calls: setting them up, moving them through their lifecycle, listing."""
