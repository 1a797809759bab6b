package fake

func errObj(code int, text string) obj {
	return obj{{"result", "Error"}, {"error", obj{{"code", code}, {"text", text}}}}
}

const (
	textNoTitle      = "Отсутствуют параметры - Название клиента"
	textUnknownMeth  = "Неизвестный метод"
	textUnknownUser  = "Неизвестный пользователь"
	textInfoNotFound = "Клиент не найден в пределах аккаунта указанного пользователя."
	textUpdNotFound  = "Клиент с указанным clid не найден в пределах аккаунта"
	textDelNotFound  = "Не найдена запись"
	textOK           = "Успешно"
	textIdentical    = "Данные корректны, но идентичны имеющимся."
	textRecv         = "; Реквизиты обновлены"
)

func tooLong(col string) obj {
	return errObj(500, "ОшибкаData too long for column '"+col+"' at row 1 в строке 1406")
}

func badString(col, val string) obj {
	return errObj(500, "ОшибкаIncorrect string value: '"+mysqlBadString(val)+"' for column `salesman`.`app_clientcat`.`"+col+"` at row 1 в строке 1366")
}

func fatalSQL(msg string) string {
	return "<br />\n<b>Fatal error</b>:  Uncaught mysqli_sql_exception: " + msg +
		" in CRM_ROOT/vendor/colshrapnel/safemysql/safemysql.class.php:466\nStack trace:\n" +
		"#0 CRM_ROOT/vendor/colshrapnel/safemysql/safemysql.class.php(466): mysqli_query()\n" +
		"#1 CRM_ROOT/vendor/colshrapnel/safemysql/safemysql.class.php(140): SafeMySQL-&gt;rawQuery()\n" +
		"#2 CRM_ROOT/inc/class/Client.php(3232): SafeMySQL-&gt;query()\n" +
		"#3 CRM_ROOT/developer/v3/methods/client.php(60): Salesman\\Client-&gt;list()\n" +
		"#4 CRM_ROOT/developer/v3/index.php(171): include_once('...')\n" +
		"#5 {main}\n  thrown in <b>CRM_ROOT/vendor/colshrapnel/safemysql/safemysql.class.php</b> on line <b>466</b><br />\n"
}

const fatalAddListObject = "<br />\n<b>Fatal error</b>:  Uncaught TypeError: Cannot access offset of type string on string in CRM_ROOT/developer/v3/methods/client.php:181\nStack trace:\n#0 CRM_ROOT/developer/v3/index.php(171): include_once()\n#1 {main}\n  thrown in <b>CRM_ROOT/developer/v3/methods/client.php</b> on line <b>181</b><br />\n"

const fatalAddNull = "<br />\n<b>Fatal error</b>:  Uncaught TypeError: Salesman\\Client::add(): Argument #1 ($params) must be of type array, null given, called in CRM_ROOT/developer/v3/methods/client.php on line 170 and defined in CRM_ROOT/inc/class/Client.php:310\nStack trace:\n#0 CRM_ROOT/developer/v3/methods/client.php(170): Salesman\\Client-&gt;add()\n#1 CRM_ROOT/developer/v3/index.php(171): include_once('...')\n#2 {main}\n  thrown in <b>CRM_ROOT/inc/class/Client.php</b> on line <b>310</b><br />\n"
