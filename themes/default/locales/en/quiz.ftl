# Self-check questions (quiz blocks): the form (src/markdown/quiz.rs) and
# what quiz.js says after "Check". In `quiz-score`, quiz.js replaces
# { $score } and { $total } with numbers.
quiz-label = Self-assessment
quiz-hint-single = Choose one answer.
quiz-hint-multiple = Choose every correct answer.
quiz-hint-truefalse = True or false?
quiz-true = True
quiz-false = False
quiz-check = Check
quiz-show-answer = Show the answer
quiz-correct = Correct
quiz-wrong = Not quite
quiz-right-option = Right answer
quiz-wrong-option = Wrong answer
quiz-score = { $score } of { $total } correct
quiz-choose = Choose an answer first.
