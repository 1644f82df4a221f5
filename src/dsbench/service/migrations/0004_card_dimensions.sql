-- Each card's dimension scores and statuses (JSON: code -> [score, status]), written with the card so
-- that a leaderboard reads rows, not every card's document. NULL for cards kept before this column:
-- those are read from their documents.
ALTER TABLE cards ADD COLUMN dimensions TEXT;
