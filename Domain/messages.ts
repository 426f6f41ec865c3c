/**
 * Seller-facing texts of the sharing problems, in the three languages the solution ships in.
 * Each sentence says what to fix, in the seller's words (form labels, not logical names).
 * `{name}` placeholders are filled from Problem.params.
 */
import type { ProblemCode } from './opportunity';

export type MessageLcid = 1033 | 1046 | 3082;

export const PROBLEM_MESSAGES: Record<ProblemCode, Record<MessageLcid, string>> = {
  nameMissing: {
    1033: 'Enter a topic (name) for the opportunity before sharing it with Partner Center.',
    1046: 'Informe um tópico (nome) para a oportunidade antes de compartilhá-la com o Partner Center.',
    3082: 'Escriba un tema (nombre) para la oportunidad antes de compartirla con el Centro de partners.',
  },
  accountMissing: {
    1033: 'Choose the customer account on the opportunity: Partner Center needs the customer’s name and address.',
    1046: 'Escolha a conta do cliente na oportunidade: o Partner Center precisa do nome e do endereço do cliente.',
    3082: 'Elija la cuenta del cliente en la oportunidad: el Centro de partners necesita el nombre y la dirección del cliente.',
  },
  countryMissing: {
    1033: 'Enter the country of the customer account as a two-letter ISO code (for example US or BR).',
    1046: 'Informe o país da conta do cliente como código ISO de duas letras (por exemplo US ou BR).',
    3082: 'Indique el país de la cuenta del cliente como código ISO de dos letras (por ejemplo US o ES).',
  },
  countryNotIso2: {
    1033: 'The customer account’s country “{country}” is not a two-letter ISO country code. Change it to a code such as US, BR or ES.',
    1046: 'O país “{country}” da conta do cliente não é um código ISO de duas letras. Altere para um código como US, BR ou ES.',
    3082: 'El país «{country}» de la cuenta del cliente no es un código ISO de dos letras. Cámbielo por un código como US, BR o ES.',
  },
  dealValueMissing: {
    1033: 'Enter the estimated revenue (deal value) of the opportunity.',
    1046: 'Informe a receita estimada (valor do negócio) da oportunidade.',
    3082: 'Indique los ingresos estimados (valor del acuerdo) de la oportunidad.',
  },
  closeDateMissing: {
    1033: 'Enter the estimated close date of the opportunity.',
    1046: 'Informe a data estimada de fechamento da oportunidade.',
    3082: 'Indique la fecha de cierre estimada de la oportunidad.',
  },
  visibilityRequiredForHelp: {
    1033: 'You asked for help from Microsoft: set the referral visibility to Visible so Microsoft sellers can see the deal.',
    1046: 'Você pediu ajuda da Microsoft: defina a visibilidade da indicação como Visível para que os vendedores da Microsoft vejam o negócio.',
    3082: 'Ha pedido ayuda a Microsoft: establezca la visibilidad de la referencia en Visible para que los vendedores de Microsoft vean el acuerdo.',
  },
  customerContactMissing: {
    1033: 'Choose a customer contact on the opportunity: Microsoft needs someone to talk to when you ask for help.',
    1046: 'Escolha um contato do cliente na oportunidade: a Microsoft precisa de alguém com quem falar quando você pede ajuda.',
    3082: 'Elija un contacto del cliente en la oportunidad: Microsoft necesita a alguien con quien hablar cuando usted pide ayuda.',
  },
  contactDetailsMissing: {
    1033: 'Complete the customer contact: first name, last name, email and business phone are required when you ask Microsoft for help.',
    1046: 'Complete o contato do cliente: nome, sobrenome, email e telefone comercial são obrigatórios quando você pede ajuda à Microsoft.',
    3082: 'Complete el contacto del cliente: el nombre, los apellidos, el correo electrónico y el teléfono del trabajo son obligatorios cuando pide ayuda a Microsoft.',
  },
  solutionMissing: {
    1033: 'Add at least one Microsoft solution to the opportunity before sharing it with Microsoft.',
    1046: 'Adicione pelo menos uma solução Microsoft à oportunidade antes de compartilhá-la com a Microsoft.',
    3082: 'Agregue al menos una solución de Microsoft a la oportunidad antes de compartirla con Microsoft.',
  },
  visibilityCannotRevert: {
    1033: 'This referral is already visible to Microsoft sellers; its visibility cannot be set back to Not visible.',
    1046: 'Esta indicação já está visível para os vendedores da Microsoft; a visibilidade não pode voltar para Não visível.',
    3082: 'Esta referencia ya es visible para los vendedores de Microsoft; su visibilidad no puede volver a No visible.',
  },
  solutionAreaMissing: {
    1033: 'This is a Services co-sell referral (help from Microsoft with a services solution): choose the solution area of the customer need. Partner Center requires it.',
    1046: 'Esta é uma indicação de co-venda de serviços (ajuda da Microsoft com uma solução de serviços): escolha a área de solução da necessidade do cliente. O Partner Center exige esse campo.',
    3082: 'Esta es una referencia de venta conjunta de servicios (ayuda de Microsoft con una solución de servicios): elija el área de solución de la necesidad del cliente. Partner Center la exige.',
  },
  solutionPlayMissing: {
    1033: 'This is a Services co-sell referral (help from Microsoft with a services solution): choose the solution play of the customer need. Partner Center requires it.',
    1046: 'Esta é uma indicação de co-venda de serviços (ajuda da Microsoft com uma solução de serviços): escolha o cenário de solução (solution play) da necessidade do cliente. O Partner Center exige esse campo.',
    3082: 'Esta es una referencia de venta conjunta de servicios (ayuda de Microsoft con una solución de servicios): elija el escenario de solución (solution play) de la necesidad del cliente. Partner Center lo exige.',
  },
  partnerRoleMissing: {
    1033: 'This is a Services co-sell referral (help from Microsoft with a services solution): choose your partner role in the deal. Partner Center requires it.',
    1046: 'Esta é uma indicação de co-venda de serviços (ajuda da Microsoft com uma solução de serviços): escolha a sua função de parceiro no negócio. O Partner Center exige esse campo.',
    3082: 'Esta es una referencia de venta conjunta de servicios (ayuda de Microsoft con una solución de servicios): elija su rol de partner en la operación. Partner Center lo exige.',
  },
  fieldMapInvalid: {
    1033: 'The Partner Center field map of this form is invalid ({reason}). Ask your administrator to correct it.',
    1046: 'O mapa de campos do Partner Center deste formulário é inválido ({reason}). Peça ao administrador para corrigi-lo.',
    3082: 'El mapa de campos del Centro de partners de este formulario no es válido ({reason}). Pida al administrador que lo corrija.',
  },
};

/** Replace `{key}` with params[key]; an unknown placeholder stays visible rather than vanishing. */
export const interpolate = (template: string, params: Record<string, string> = {}): string =>
  template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? params[key]! : whole));
