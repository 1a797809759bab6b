package salesman

import (
	"strconv"

	"github.com/crmport/crmport/crm"
)

// ClientTypes are the values of the "type" field the documentation lists
// (sic: "concurent", "parnter"). The real server stores any string.
var ClientTypes = []string{"client", "person", "concurent", "contractor", "parnter"}

// recvFields are the requisites (реквизиты) sent as the nested "recv"
// object, with their labels and descriptions (seed 002).
var recvFields = []struct{ name, label, desc string }{
	{"castUrName", "Юридическое название", "Full legal name of the company"},
	{"castInn", "ИНН", "Tax id (INN), 10 or 12 digits"},
	{"castKpp", "КПП", "Tax registration reason code (KPP), 9 digits"},
	{"castBank", "Банк", "Name of the company's bank"},
	{"castBankKs", "Кор.счет", "Bank's correspondent account, 20 digits"},
	{"castBankRs", "Расч.счет", "Company's settlement account, 20 digits"},
	{"castBankBik", "БИК банка", "Bank identification code (BIK), 9 digits"},
	{"castOkpo", "ОКПО", "Statistics code (OKPO)"},
	{"castOgrn", "ОГРН", "State registration number (OGRN), 13 or 15 digits"},
	{"castDirName", "ФИО руководителя (в лице кого)", "Director's full name in the genitive case, e.g. Иванова Ивана Ивановича"},
	{"castDirSignature", "ФИО руководителя (подпись)", "Director's name for signatures, e.g. Иванов И.И."},
	{"castDirStatus", "Должность руководителя (в род. падеже)", "Director's position in the genitive case, e.g. Директора"},
	{"castDirStatusSig", "Должность руководителя", "Director's position, e.g. Директор"},
	{"castDirOsnovanie", "Основание", "Authority the director acts on, genitive case, e.g. Устава"},
	{"castUrAddr", "Юр.адрес", "Registered (legal) address"},
}

// Catalogue returns SalesMan's static client field catalogue (seed 002,
// VENDOR-APIS.md §1.3 limits, RESULTS.md). Lengths are in characters (the
// columns are VARCHAR in utf8). Active is true for the fields a fresh
// install switches on; Fields(ctx) asks the account.
func Catalogue() []crm.Field {
	f := []crm.Field{
		{Name: "clid", Label: "Уникальный идентификатор записи клиента в CRM", Type: crm.TypeInt, ReadOnly: true, Active: true,
			Description: "SalesMan's own client number; set by the CRM. Use it as the key to update clients exported from SalesMan."},
		{Name: "uid", Label: "Уникальный идентификатор записи клиента в вашей ИС", Type: crm.TypeString, MaxLen: 30, Active: true,
			Description: "Your own id for the client (e.g. from 1C), at most 30 characters. SalesMan does not check it for duplicates and cannot change it once set."},
		{Name: "title", Label: "Название", Type: crm.TypeString, MaxLen: 250, Required: true, Active: true,
			Description: "Client name (company or person), required, at most 250 characters. SalesMan removes quotes and moves ООО/ЗАО/ОАО to the end: ООО \"Ромашка\" is stored as Ромашка, ООО. Same name + same phone or e-mail counts as a duplicate."},
		{Name: "type", Label: "Тип записи", Type: crm.TypeEnum, MaxLen: 100, Values: ClientTypes, Active: true,
			Description: "Kind of record: client (company, the default), person (private person), concurent (competitor), contractor, parnter (partner)."},
		{Name: "iduser", Label: "Ответственный", Type: crm.TypeInt, Active: true,
			Description: "Number of the SalesMan user responsible for the client. Prefer 'user' (the login)."},
		{Name: "user", Label: "Ответственный (логин)", Type: crm.TypeString, Active: true,
			Description: "Login of the SalesMan user responsible for the client. An unknown login is not refused: the client then has no responsible user and cannot be opened through the API, so check logins first."},
		{Name: "idcategory", Label: "Отрасль / Категория", Type: crm.TypeString,
			Description: "Industry (category) as text, e.g. Торговля; a new name creates a new entry. Off on a fresh install: switch it on in Панель управления / Формы."},
		{Name: "tip_cmr", Label: "Тип отношений", Type: crm.TypeString, MaxLen: 255,
			Description: "Relationship type as text, e.g. Потенциальный клиент. Off on a fresh install."},
		{Name: "clientpath", Label: "Источник клиента", Type: crm.TypeString,
			Description: "Where the client came from (source), as text, e.g. Сайт; a new name creates a new entry. Off on a fresh install."},
		{Name: "territory", Label: "Территория", Type: crm.TypeString,
			Description: "Territory (region or city) as text, e.g. Пермь; a new name creates a new entry. Off on a fresh install."},
		{Name: "des", Label: "Описание", Type: crm.TypeText,
			Description: "Free-text description. Off on a fresh install."},
		{Name: "address", Label: "Адрес", Type: crm.TypeText, Active: true,
			Description: "Postal address as one text."},
		{Name: "phone", Label: "Телефон", Type: crm.TypePhone, MaxLen: 250, Multi: true, ListSep: ",;", Active: true,
			Description: "Phone numbers; several are stored together separated by commas, at most 250 characters in all."},
		{Name: "fax", Label: "Факс", Type: crm.TypePhone, MaxLen: 250, Multi: true, ListSep: ",;", Active: true,
			Description: "Fax numbers, at most 250 characters in all."},
		{Name: "site_url", Label: "Сайт", Type: crm.TypeString, MaxLen: 250, Active: true,
			Description: "Web site address, at most 250 characters."},
		{Name: "mail_url", Label: "Почта", Type: crm.TypeEmail, MaxLen: 250, Multi: true, Active: true,
			Description: "E-mail addresses, at most 250 characters in all."},
		{Name: "scheme", Label: "Принятие решений", Type: crm.TypeText,
			Description: "How decisions are made at the client (free text). Off on a fresh install."},
		{Name: "head_clid", Label: "Головн. орг-ия", Type: crm.TypeInt,
			Description: "clid of the parent organisation. Off on a fresh install."},
		{Name: "pid", Label: "Осн. контакт", Type: crm.TypeInt,
			Description: "Number of the client's main contact person. Off on a fresh install."},
		{Name: "date_create", Label: "Дата создания", Type: crm.TypeDateTime, Active: true,
			Description: "When the client was created (YYYY-MM-DD HH:MM:SS, the CRM's time zone); empty = now. Unreadable values are silently replaced by now."},
		{Name: "date_edit", Label: "Дата последнего изменения", Type: crm.TypeDateTime, ReadOnly: true, Active: true,
			Description: "When the client was last changed; set by the CRM."},
	}
	for _, r := range recvFields {
		f = append(f, crm.Field{Name: "recv." + r.name, Label: r.label, Type: crm.TypeText, Active: true,
			Description: r.desc + " (requisites, реквизиты)."})
	}
	for i := 1; i <= 10; i++ {
		n := strconv.Itoa(i)
		f = append(f, crm.Field{Name: "input" + n, Label: "Доп. поле " + n, Type: crm.TypeString, MaxLen: 255,
			Description: "Additional form field " + n + " (its name is set in Панель управления / Формы), at most 255 characters. Off on a fresh install."})
	}
	return f
}
