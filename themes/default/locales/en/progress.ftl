# Progress strings of the default theme (aula.js): English.
# Shown only when script runs. In progress-course and progress-imported the
# variables are filled in by the script in the browser, so they cannot
# choose a plural form: write them so any number reads well.

## Module page
progress-mark = I have finished this module
progress-mark-quiz = It is also marked when you answer all its questions correctly.
progress-quiz-done = You answered every question correctly: module done.

## Marks in outlines, course pages and lists
progress-done = Done
progress-course = Modules done: { $done } of { $total } ({ $percent }%)

## Footer tools
progress-title = Your progress
progress-about = It is kept only in this browser; nothing is sent anywhere. Download it to carry on from another device, or before leaving a shared computer.
progress-export = Download my progress
progress-import = Load downloaded progress
progress-forget = Forget my progress
progress-forget-confirm = Erase all your progress from this browser? This cannot be undone unless you downloaded it first.
progress-forgotten = Your progress was erased from this browser.
progress-imported = Progress loaded. Modules done: { $count }.
progress-import-bad = That file is not progress downloaded from this campus.
