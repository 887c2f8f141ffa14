# Preguntas de autoevaluación (bloques quiz): el formulario
# (src/markdown/quiz.rs) y lo que dice quiz.js tras «Comprobar». En
# `quiz-score`, quiz.js sustituye { $score } y { $total } por números.
quiz-label = Autoevaluación
quiz-hint-single = Elige una respuesta.
quiz-hint-multiple = Elige todas las respuestas correctas.
quiz-hint-truefalse = ¿Verdadero o falso?
quiz-true = Verdadero
quiz-false = Falso
quiz-check = Comprobar
quiz-show-answer = Ver la respuesta
quiz-correct = Correcto
quiz-wrong = No del todo
quiz-right-option = Respuesta correcta
quiz-wrong-option = Respuesta incorrecta
quiz-score = { $score } de { $total } correctas
quiz-choose = Primero elige una respuesta.
