# A partial Ukrainian locale for the tests: it shows that a language is added by adding
# files. Messages it lacks read in German, the default language.
lang_name = Українська
skip_to_content = Перейти до змісту
main_navigation = Головна навігація
nav_procedures = Процеси участі
home_title = Процеси участі
home_intro = Тут ви берете участь у плануванні та рішеннях міста: дізнаєтеся, вносите пропозиції, обговорюєте та голосуєте.
filter_label = Фільтрувати процеси за станом
filter_running = Триває
filter_upcoming = Незабаром
filter_finished = Завершено
filter_all = Усі
comments_count = { $count ->
    [one] { $count } коментар
    [few] { $count } коментарі
   *[many] { $count } коментарів
}
