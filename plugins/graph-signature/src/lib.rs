//! Names the shape of a metric series (stair-step, cliff-drop, oscillation, flatline, spike-then-settle, plateau under peak).
