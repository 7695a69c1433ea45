import { describe, expect, it } from 'vitest';
import { createKeyDenyList, keyWords } from './deny-list.ts';

const list = createKeyDenyList();

describe('keyWords', () => {
  it.each([
    ['userEmail', ['user', 'email']],
    ['e-mail', ['e', 'mail']],
    ['first_name', ['first', 'name']],
    ['APIKey', ['api', 'key']],
    ['userIPAddress', ['user', 'ip', 'address']],
    ['addressLine2', ['address', 'line', '2']],
    ['X-Forwarded-For', ['x', 'forwarded', 'for']],
    ['ipv6', ['ipv', '6']],
    ['USER.EMAIL', ['user', 'email']],
  ])('%s', (key, words) => {
    expect(keyWords(key)).toEqual(words);
  });
});

describe('default key deny-list', () => {
  it.each([
    ['email', 'email'], ['userEmail', 'email'], ['e-mail', 'email'], ['E_MAIL', 'email'], ['parent_email_address', 'email'],
    ['useremail', 'email'], ['emails', 'email'], ['newpassword', 'password'], ['billingaddress', 'address'],
    ['phone', 'phone'], ['phoneNumber', 'phone'], ['mobile', 'phone'], ['telephone', 'phone'], ['guardian_tel', 'phone'],
    ['ip', 'ip'], ['ip_address', 'ip'], ['clientIp', 'ip'], ['remoteAddr', 'ip'], ['X-Forwarded-For', 'ip'], ['ipv6', 'ip'],
    ['cardNumber', 'card'], ['credit_card', 'card'], ['cvv', 'card'],
    ['iban', 'iban'], ['bankAccount', 'iban'],
    ['ssn', 'national_id'], ['national_id', 'national_id'], ['passportNumber', 'national_id'], ['nino', 'national_id'],
    ['password', 'password'], ['passwd', 'password'], ['new_password_confirm', 'password'], ['pin', 'password'],
    ['token', 'credential'], ['access_token', 'credential'], ['csrfToken', 'credential'], ['client_secret', 'credential'],
    ['api_key', 'credential'], ['x-api-key', 'credential'], ['authorization', 'credential'], ['Cookie', 'credential'],
    ['sessionId', 'credential'],
    ['dob', 'birthdate'], ['birthday', 'birthdate'], ['date_of_birth', 'birthdate'], ['birthDate', 'birthdate'],
    ['username', 'identifier'], ['user_name', 'identifier'], ['userId', 'identifier'], ['deviceId', 'identifier'],
    ['idfa', 'identifier'], ['mac_address', 'identifier'], ['user', 'identifier'],
    ['name', 'name'], ['Name', 'name'], ['firstName', 'name'], ['last_name', 'name'], ['fullname', 'name'],
    ['given-name', 'name'], ['familyName', 'name'], ['middle_name', 'name'], ['surname', 'name'], ['childName', 'name'],
    ['nickname', 'name'],
    ['address', 'address'], ['billingAddress', 'address'], ['street', 'address'], ['postcode', 'address'],
    ['zip', 'address'], ['zipCode', 'address'], ['postal_code', 'address'], ['city', 'address'], ['home_city', 'address'],
    ['addressLine1', 'address'],
    ['lat', 'location'], ['lng', 'location'], ['latitude', 'location'], ['geo_longitude', 'location'], ['gps', 'location'],
    ['coordinates', 'location'],
  ])('%s -> %s', (key, kind) => {
    expect(list.match(key)).toBe(kind);
  });

  it.each([
    'quest_id', 'quest_name', 'course_name', 'file_name', 'page_name', 'score', 'level', 'duration_ms', 'token_count',
    'tokens', 'secret_level', 'is_mobile', 'email_verified', 'phone_type', 'password_strength', 'ip_country',
    'city_id', 'zip_file', 'tooltip', 'shipping', 'category', 'latency', 'location', 'country', 'age_band', 'grade',
    'lesson', 'answer', 'feedback', 'smartphone', 'zipline', 'locale', 'theme', 'last_login_at', 'key', 'flashcard', 'card_id',
  ])('%s is kept', (key) => {
    expect(list.match(key)).toBeNull();
  });

  it('extends with tenant keys, matched as words', () => {
    const custom = createKeyDenyList(['pet name', 'school']);
    expect(custom.match('petName')).toBe('custom');
    expect(custom.match('school_name')).toBe('custom');
    expect(custom.match('schools')).toBe('custom');
    expect(custom.match('email')).toBe('email');
    expect(custom.match('quest_id')).toBeNull();
    // The default list is not changed by another tenant's keys.
    expect(list.match('school')).toBeNull();
  });

  it('answers the same from its cache', () => {
    const l = createKeyDenyList();
    for (let i = 0; i < 3; i++) {
      expect(l.match('userEmail')).toBe('email');
      expect(l.match('quest_id')).toBeNull();
    }
  });

  it('stays correct past its cache size', () => {
    const l = createKeyDenyList();
    for (let i = 0; i < 12_000; i++) l.match(`k${i}`);
    expect(l.match('userEmail')).toBe('email');
    expect(l.match('k5')).toBeNull();
  });
});
