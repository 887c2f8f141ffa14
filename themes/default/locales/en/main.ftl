# UI strings of the default theme: English.
# Every key here exists in es/ and pt/ too; a site overrides any of them in
# its own locales/en/*.ftl.

## Header, navigation and footer
skip-link = Skip to content
nav-label = Main navigation
nav-home = Home
nav-courses = Courses
nav-guidelines = Guidelines
nav-itineraries = Learning paths
language-switcher = Language
translation-missing = not translated, goes to the home page
translation-notice = This page has not been translated into English yet: it is shown in its original language.
breadcrumb = You are here
footer-text = Made with aula. Every page works without JavaScript and offline.

## Page parts
toc-title = On this page
pager-label = Previous and next module
previous = Previous
next = Next
course-outline = Course modules
module-position = Module { $index } of { $total }
objectives = Learning objectives
tags = Topics
section-empty = Nothing has been published in this section yet.
view-all-courses = See all courses
view-all-guidelines = See all guidelines
view-all-itineraries = See all learning paths
start-course = Start the course
itinerary-courses = Courses in this path

## Metadata
duration = Duration
total-duration = Total duration
duration-minutes = { $minutes } min
duration-hours = { $minutes ->
    [0] { $hours } h
   *[other] { $hours } h { $minutes } min
}
reading-time = Reading time
reading-minutes = { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}
updated = Updated
date-long = { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
} { $day }, { $year }
level = Level
modules = Modules
module-count = { $count ->
    [one] { $count } module
   *[other] { $count } modules
}
course-count = { $count ->
    [one] { $count } course
   *[other] { $count } courses
}
authors = { $count ->
    [one] Author
   *[other] Authors
}
license = License
prerequisites = Prerequisites
prerequisites-none = None
badge = Badge
badge-criteria = To earn it
audience = Audience
version = Version
credential = Certificate
credential-hours = Workload
credential-criteria = Requirements
hours = { $hours ->
    [one] { $hours } hour
   *[other] { $hours } hours
}

## Language chooser and page not found (each shown in its own language)
chooser-heading = Choose your language
not-found-title = Page not found
not-found-text = The address you are looking for does not exist or has moved.
not-found-home = Go to the { $site } home page
