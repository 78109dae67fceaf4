-- SPDX-License-Identifier: GPL-2.0-or-later
-- live-tap.lua - loaded into the Stratoshark GUI by lab-live.sh
-- (-X lua_script:...) during a live capture. Inside the GUI process it counts
-- the events the GUI has read (total), those matching $BPFDIG_LIVE_FILTER
-- (match), and of these the rows that carry bpfdig's evt.num (a field the
-- falco bridge does not have), the rows whose fd.name is $BPFDIG_LIVE_FDNAME,
-- and the rows where some proc.name value (bridge's or bpfdig's) differs from
-- $BPFDIG_LIVE_PROC. It rewrites $BPFDIG_LIVE_OUT with one line
--   TAG total=N match=M evtnum=E fdname=F other_proc=O
-- whenever the GUI draws its taps (periodically while capturing, and when the
-- capture stops). Field.new raises a Lua error (no output) when a field is
-- unknown, i.e. when the bpfdig plugin is not loaded.
local out = assert(os.getenv("BPFDIG_LIVE_OUT"))
local filter = assert(os.getenv("BPFDIG_LIVE_FILTER"))
local want_fd = os.getenv("BPFDIG_LIVE_FDNAME") or ""
local want_proc = os.getenv("BPFDIG_LIVE_PROC") or ""
local f_num = Field.new("evt.num")
local f_fd = Field.new("fd.name")
local f_proc = Field.new("proc.name")
local total, match, with_num, with_fd, other_proc, draws = 0, 0, 0, 0, 0, 0

local function dump(tag)
    local fh = assert(io.open(out .. ".tmp", "w"))
    fh:write(string.format("%s total=%d match=%d evtnum=%d fdname=%d other_proc=%d draws=%d\n",
                           tag, total, match, with_num, with_fd, other_proc, draws))
    fh:close()
    assert(os.rename(out .. ".tmp", out))
end

local all = Listener.new(nil, nil, true)
function all.packet() total = total + 1 end
function all.reset() total = 0 end

local sel = Listener.new(nil, filter, true)
function sel.packet()
    match = match + 1
    if f_num() then with_num = with_num + 1 end
    for _, v in ipairs({ f_fd() }) do
        if tostring(v.value) == want_fd then
            with_fd = with_fd + 1
            break
        end
    end
    for _, v in ipairs({ f_proc() }) do
        if want_proc ~= "" and tostring(v.value) ~= want_proc then
            other_proc = other_proc + 1
            break
        end
    end
end
function sel.reset() match = 0; with_num = 0; with_fd = 0; other_proc = 0 end
function sel.draw()
    draws = draws + 1
    dump("draw")
end

dump("init")
