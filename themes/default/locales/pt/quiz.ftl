# Perguntas de autoavaliação (blocos quiz): o formulário
# (src/markdown/quiz.rs) e o que quiz.js diz depois de «Verificar». Em
# `quiz-score`, quiz.js substitui { $score } e { $total } por números.
quiz-label = Autoavaliação
quiz-hint-single = Escolha uma resposta.
quiz-hint-multiple = Escolha todas as respostas corretas.
quiz-hint-truefalse = Verdadeiro ou falso?
quiz-true = Verdadeiro
quiz-false = Falso
quiz-check = Verificar
quiz-show-answer = Ver a resposta
quiz-correct = Correto
quiz-wrong = Não exatamente
quiz-right-option = Resposta correta
quiz-wrong-option = Resposta incorreta
quiz-score = { $score } de { $total } corretas
quiz-choose = Primeiro escolha uma resposta.
