-- SPDX-License-Identifier: GPL-2.0-or-later
-- Loaded into the Wireshark GUI by test_gui_load.sh (-X lua_script:...).
-- Counts, in the GUI process itself, all frames and the frames matching
-- the filter in $BPFDIG_GUI_FILTER, and how many of those carry fd.name,
-- and writes "draw total=N match=M fdname=K" to $BPFDIG_GUI_OUT whenever
-- Wireshark draws its taps (after the file is read and filtered).
-- Field.new() raises an error (a Lua error dialog, and no output file)
-- when the bpfdig epan plugin did not register the fields.
local out = os.getenv("BPFDIG_GUI_OUT")
local filter = os.getenv("BPFDIG_GUI_FILTER")
local f_proc = Field.new("proc.name")
local f_fd = Field.new("fd.name")
local total, match, named, procs = 0, 0, 0, {}

local function dump(tag)
    local fh = assert(io.open(out .. ".tmp", "w"))
    local names = {}
    for k in pairs(procs) do names[#names + 1] = k end
    table.sort(names)
    fh:write(string.format("%s total=%d match=%d fdname=%d procs=%s\n", tag, total, match,
                           named, table.concat(names, ",")))
    fh:close()
    assert(os.rename(out .. ".tmp", out))
end

local all = Listener.new(nil, nil, true)
function all.packet() total = total + 1 end
function all.reset() total = 0 end

local sel = Listener.new(nil, filter, true)
function sel.packet()
    match = match + 1
    local p = f_proc()
    if p then procs[tostring(p)] = true end
    if f_fd() then named = named + 1 end
end
function sel.reset() match = 0; named = 0; procs = {} end
function sel.draw() dump("draw") end

dump("init")
