"""The working calendar (工作日历): which days are working days, office hours, and the units a
time limit is counted in. Below `cases`, so any domain with deadlines uses it without the case loop."""
