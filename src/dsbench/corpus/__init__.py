"""Tools of standards bodies over many datasets: a corpus evaluated into cards (bench), its leaderboard, calibration of a standard, and seeded defect injection."""
