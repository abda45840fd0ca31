//! The words of Portico's emails, per language. Templates take them from here, so the
//! layout is written once and checked at compile time.

use crate::domain::text::Locale;

pub struct Strings {
    pub invite_subject: &'static str,
    pub admin_subject: &'static str,
    pub greeting: &'static str,
    pub invite_intro: &'static str,
    pub admin_intro: &'static str,
    pub message_label: &'static str,
    pub portal_label: &'static str,
    pub username_label: &'static str,
    pub password_label: &'static str,
    pub first_sign_in: &'static str,
    pub button: &'static str,
    pub footer: &'static str,
    pub hello: &'static str,
    pub code_subject: &'static str,
    pub code_intro: &'static str,
    pub code_label: &'static str,
    pub code_footer: &'static str,
    pub reply_to_subject: &'static str,
    pub reply_to_intro: &'static str,
    pub reply_to_how: &'static str,
    pub reply_to_until: &'static str,
    pub reply_to_footer: &'static str,
    pub webhook_paused_subject: &'static str,
    pub webhook_paused_intro: &'static str,
    pub webhook_paused_feed: &'static str,
    pub webhook_paused_how: &'static str,
}

const EN: Strings = Strings {
    invite_subject: "Your access to the {portal} portal",
    admin_subject: "Your {portal} portal is ready",
    greeting: "Welcome",
    invite_intro: "You have been given access to the customer portal, where you can follow your sites and the work we do for you.",
    admin_intro: "Your company's customer portal has been created and you are its administrator. Complete the portal set-up before you invite your customers.",
    message_label: "A message from the team",
    portal_label: "Portal",
    username_label: "Sign in with",
    password_label: "Temporary password",
    first_sign_in: "On your first sign-in you will be asked to choose your own password. The temporary password expires after 7 days.",
    button: "Open the portal",
    footer: "You receive this email because an administrator invited you. If you did not expect it, you can ignore it.",
    hello: "Hello",
    code_subject: "Your {portal} verification code",
    code_intro: "Use this code to choose a new password for the customer portal.",
    code_label: "Code",
    code_footer: "If you did not ask for this, you can ignore this email: your password stays as it is.",
    reply_to_subject: "Confirm the reply address of the {portal} portal",
    reply_to_intro: "An administrator of the customer portal asked that replies to its emails come to {email}. Emails go out without a reply address until this is confirmed.",
    reply_to_how: "To confirm, an administrator enters this code in the portal's settings.",
    reply_to_until: "The code works until",
    reply_to_footer: "If this address should not receive the portal's replies, ignore this email: nothing changes.",
    webhook_paused_subject: "A webhook of the {portal} portal was paused",
    webhook_paused_intro: "Every delivery to {url} has failed for {days} days, so the portal has stopped sending events to it (subscription {id}).",
    webhook_paused_feed: "No event is lost: they are all in the event feed (GET /admin/events), and the failed deliveries can be replayed from the subscription's delivery log.",
    webhook_paused_how: "Once the receiver works again, set the subscription's status to active (PATCH /admin/webhooks/{id}).",
};

const NL: Strings = Strings {
    invite_subject: "Uw toegang tot het {portal}-portaal",
    admin_subject: "Uw {portal}-portaal is klaar",
    greeting: "Welkom",
    invite_intro: "U heeft toegang gekregen tot het klantportaal, waar u uw locaties en het werk dat wij voor u doen kunt volgen.",
    admin_intro: "Het klantportaal van uw bedrijf is aangemaakt en u bent de beheerder. Voltooi de inrichting van het portaal voordat u uw klanten uitnodigt.",
    message_label: "Een bericht van het team",
    portal_label: "Portaal",
    username_label: "Inloggen met",
    password_label: "Tijdelijk wachtwoord",
    first_sign_in: "Bij de eerste keer inloggen kiest u een eigen wachtwoord. Het tijdelijke wachtwoord verloopt na 7 dagen.",
    button: "Open het portaal",
    footer: "U ontvangt deze e-mail omdat een beheerder u heeft uitgenodigd. Verwachtte u deze niet, dan kunt u hem negeren.",
    hello: "Hallo",
    code_subject: "Uw verificatiecode voor {portal}",
    code_intro: "Gebruik deze code om een nieuw wachtwoord voor het klantportaal te kiezen.",
    code_label: "Code",
    code_footer: "Heeft u hier niet om gevraagd, dan kunt u deze e-mail negeren: uw wachtwoord blijft ongewijzigd.",
    reply_to_subject: "Bevestig het antwoordadres van het {portal}-portaal",
    reply_to_intro: "Een beheerder van het klantportaal heeft gevraagd dat antwoorden op de e-mails van het portaal naar {email} gaan. Tot dit bevestigd is, gaan e-mails zonder antwoordadres de deur uit.",
    reply_to_how: "Een beheerder bevestigt dit door deze code in te voeren bij de instellingen van het portaal.",
    reply_to_until: "De code werkt tot",
    reply_to_footer: "Hoort dit adres de antwoorden van het portaal niet te ontvangen, negeer deze e-mail dan: er verandert niets.",
    webhook_paused_subject: "Een webhook van het {portal}-portaal is gepauzeerd",
    webhook_paused_intro: "Elke aflevering naar {url} mislukt al {days} dagen, dus het portaal stuurt er geen gebeurtenissen meer heen (abonnement {id}).",
    webhook_paused_feed: "Er gaat geen gebeurtenis verloren: ze staan alle in de gebeurtenissenfeed (GET /admin/events), en de mislukte afleveringen zijn opnieuw te versturen vanuit het afleverlogboek van het abonnement.",
    webhook_paused_how: "Werkt de ontvanger weer, zet dan de status van het abonnement op active (PATCH /admin/webhooks/{id}).",
};

impl Strings {
    pub fn of(locale: Locale) -> &'static Strings {
        match locale {
            Locale::En => &EN,
            Locale::Nl => &NL,
        }
    }
}
