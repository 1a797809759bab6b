package fake

import "strconv"

// fieldOrder is the order of the client form on the real server (what
// client/fields and client/list follow), every field switched on.
var fieldOrder = []string{
	"clid", "uid", "type", "date_create", "date_edit",
	"input1", "input2", "input3", "input4", "input5", "input6", "input7", "input8", "input9", "input10",
	"title", "iduser", "idcategory", "head_clid", "pid", "address", "phone", "fax", "site_url", "mail_url",
	"territory", "des", "scheme", "tip_cmr", "recv", "clientpath",
}

// FreshFields are the client fields a fresh SalesMan install has switched
// on (the default of Options.ActiveFields).
var FreshFields = []string{
	"clid", "uid", "type", "date_create", "date_edit", "title", "iduser",
	"address", "phone", "fax", "site_url", "mail_url", "recv",
}

// OptionalFields are the client fields a fresh install has switched off;
// an administrator can switch them on in «Панель управления / Формы».
var OptionalFields = []string{
	"idcategory", "tip_cmr", "clientpath", "territory", "des", "scheme", "head_clid", "pid",
	"input1", "input2", "input3", "input4", "input5", "input6", "input7", "input8", "input9", "input10",
}

// fieldLabels are the descriptions client/fields answers with.
var fieldLabels = map[string]string{
	"clid":        "Уникальный идентификатор записи клиента в CRM",
	"uid":         "Уникальный идентификатор записи клиента в вашей ИС",
	"type":        "Тип записи (допустимые - client,person,concurent,contractor,parnter)",
	"date_create": "Дата создания. Timestamp",
	"date_edit":   "Дата последнего изменения. Timestamp",
	"title":       "Название",
	"iduser":      "Ответственный",
	"address":     "Адрес",
	"phone":       "Телефон",
	"fax":         "Факс",
	"site_url":    "Сайт",
	"mail_url":    "Почта",
	"recv":        "Реквизиты",
	"input1":      "Код 1С",
	"idcategory":  "Категория",
	"head_clid":   "Головн. орг-ия",
	"pid":         "Осн. контакт",
	"territory":   "Территория",
	"des":         "Описание",
	"scheme":      "Принятие решений",
	"tip_cmr":     "Тип отношений",
	"clientpath":  "Источник клиента",
}

func init() {
	for i := 2; i <= 10; i++ {
		fieldLabels["input"+strconv.Itoa(i)] = "Доп. поле " + strconv.Itoa(i)
	}
}

// textLimits are the VARCHAR sizes of app_clientcat (0 = TEXT).
var textLimits = map[string]int{
	"uid": 30, "title": 250, "phone": 250, "fax": 250, "site_url": 250, "mail_url": 250,
	"tip_cmr": 255, "type": 100, "address": 0, "des": 0, "scheme": 0,
	"input1": 255, "input2": 255, "input3": 255, "input4": 255, "input5": 255,
	"input6": 255, "input7": 255, "input8": 255, "input9": 255, "input10": 255,
}

// intColumns are the integer columns of a client.
var intColumns = map[string]bool{
	"clid": true, "iduser": true, "idcategory": true, "territory": true, "clientpath": true,
	"head_clid": true, "pid": true,
}

// dictFields are the fields whose text values are looked up in (or added
// to) a dictionary.
var dictFields = []string{"idcategory", "territory", "clientpath"}

// recvKeys are the requisites (bank details) a client carries, in the
// order client/info answers them.
var recvKeys = []string{
	"castUrName", "castUrNameShort", "castInn", "castKpp", "castBank", "castBankKs", "castBankRs",
	"castBankBik", "castOkpo", "castOgrn", "castDirName", "castDirSignature", "castDirStatus",
	"castDirStatusSig", "castDirOsnovanie", "castUrAddr",
}

// defaultDicts are the dictionaries of a fresh install as far as the
// recordings show them (ids 1-5); names not seen in the recordings are
// plausible stand-ins.
func defaultDicts() map[string][]string {
	return map[string][]string{
		"idcategory": {"Производство", "Розница"},
		"territory":  {"Пермь", "Екатеринбург", "Челябинск", "Уфа", "Москва"},
		"clientpath": {"Личные связи", "Маркетинг", "Справочник", "Выставка", "Сайт"},
	}
}

// columnNames are every column an order or fields parameter may name.
var columnNames = func() map[string]bool {
	m := map[string]bool{"fav": true, "trash": true, "creator": true, "editor": true}
	for _, f := range fieldOrder {
		m[f] = true
	}
	return m
}()
